/** One S3 object a notification is about. `key` is decoded: S3 delivers keys URL-encoded with `+` for space. */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  size?: number;
}

/** Why an event cannot be read. Each is permanent: the same event fails the same way on every retry. */
export type EventErrorCode =
  /** The event is not a JSON object (`null`, a string, an array). */
  | "EVENT_NOT_OBJECT"
  /** Neither `Records[]` (S3, SQS) nor an EventBridge "Object Created" event. */
  | "EVENT_UNRECOGNIZED"
  /** An element of `Records[]` is not an object. */
  | "RECORD_NOT_OBJECT"
  /** An S3 record or EventBridge event without a bucket name or object key. */
  | "OBJECT_MISSING"
  /** An SQS message body, or the SNS message inside it, is not JSON. */
  | "BODY_NOT_JSON"
  /** An S3 notification key that is not valid URL encoding (a bad `%` escape). */
  | "KEY_ENCODING";

/** The event did not have any of the shapes this function accepts; `code` says how. Never retried. */
export class UnsupportedEventError extends Error {
  override readonly name = "UnsupportedEventError";
  constructor(
    readonly code: EventErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** S3 event notification keys are form-encoded: `+` is a space, `%XX` an escaped byte. */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    throw new UnsupportedEventError("KEY_ENCODING", `object key "${key}" is not valid URL encoding`);
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

function fromS3Record(record: Json, where: string): ObjectRef | undefined {
  const eventName = text(record.eventName) ?? "";
  if (!eventName.startsWith("ObjectCreated:")) return undefined;
  const s3 = isObject(record.s3) ? record.s3 : undefined;
  const bucket = s3 && isObject(s3.bucket) ? text(s3.bucket.name) : undefined;
  const object = s3 && isObject(s3.object) ? s3.object : undefined;
  const key = object ? text(object.key) : undefined;
  if (bucket === undefined || key === undefined)
    throw new UnsupportedEventError(
      "OBJECT_MISSING",
      `${where}: S3 record without bucket name or object key`,
    );
  const versionId = object ? text(object.versionId) : undefined;
  const size = object && typeof object.size === "number" ? object.size : undefined;
  let decoded: string;
  try {
    decoded = decodeS3Key(key);
  } catch (error) {
    throw new UnsupportedEventError("KEY_ENCODING", `${where}: ${(error as Error).message}`);
  }
  return {
    bucket,
    key: decoded,
    ...(versionId ? { versionId } : {}),
    ...(size !== undefined ? { size } : {}),
  };
}

function fromEventBridge(event: Json): ObjectRef {
  const detail = isObject(event.detail) ? event.detail : {};
  const bucket = isObject(detail.bucket) ? text(detail.bucket.name) : undefined;
  const object = isObject(detail.object) ? detail.object : undefined;
  const key = object ? text(object.key) : undefined;
  if (bucket === undefined || key === undefined)
    throw new UnsupportedEventError(
      "OBJECT_MISSING",
      "EventBridge event without detail.bucket.name or detail.object.key",
    );
  const versionId = object ? text(object["version-id"]) : undefined;
  const eTag = object ? text(object.etag) : undefined;
  const size = object && typeof object.size === "number" ? object.size : undefined;
  // EventBridge keys arrive decoded already; only S3 notifications encode them.
  return {
    bucket,
    key,
    ...(versionId ? { versionId } : {}),
    ...(eTag ? { eTag } : {}),
    ...(size !== undefined ? { size } : {}),
  };
}

/**
 * The objects an invocation is about, from an S3 notification, S3 notifications wrapped in SQS (including
 * SNS-in-SQS), or an EventBridge "Object Created" event. S3 test events and other event names yield nothing.
 */
export function objectRefsFromEvent(event: unknown): ObjectRef[] {
  if (!isObject(event))
    throw new UnsupportedEventError(
      "EVENT_NOT_OBJECT",
      `the event is ${event === null ? "null" : Array.isArray(event) ? "an array" : `a ${typeof event}`}, not a JSON object`,
    );
  if (event.source === "aws.s3" && event["detail-type"] === "Object Created") return [fromEventBridge(event)];
  if (event.Event === "s3:TestEvent") return [];
  if (!Array.isArray(event.Records))
    throw new UnsupportedEventError(
      "EVENT_UNRECOGNIZED",
      "expected Records[] (S3 or SQS) or an EventBridge Object Created event",
    );
  const refs: ObjectRef[] = [];
  event.Records.forEach((record: unknown, index: number) => {
    if (!isObject(record))
      throw new UnsupportedEventError("RECORD_NOT_OBJECT", `Records[${index}] is not an object`);
    if (record.eventSource === "aws:sqs") {
      let body: unknown;
      try {
        body = JSON.parse(text(record.body) ?? "");
      } catch {
        throw new UnsupportedEventError("BODY_NOT_JSON", `Records[${index}]: SQS body is not JSON`);
      }
      if (isObject(body) && body.Type === "Notification" && typeof body.Message === "string") {
        try {
          body = JSON.parse(body.Message);
        } catch {
          throw new UnsupportedEventError("BODY_NOT_JSON", `Records[${index}]: SNS message is not JSON`);
        }
      }
      refs.push(...objectRefsFromEvent(body));
      return;
    }
    const ref = fromS3Record(record, `Records[${index}]`);
    if (ref !== undefined) refs.push(ref);
  });
  return refs;
}
