import { describe, expect, it } from "vitest";
import { objectRefsFromEvent, UnsupportedEventError } from "../src/object-refs.js";

const s3Record = (key: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: "2.1",
  eventSource: "aws:s3",
  eventName: "ObjectCreated:Put",
  s3: { bucket: { name: "logs-bucket" }, object: { key, size: 1024, versionId: "v1", ...extra } },
});

describe("objectRefsFromEvent", () => {
  it("decodes S3 notification keys (plus is a space, percent escapes)", () => {
    expect(
      objectRefsFromEvent({ Records: [s3Record("cloudfront/E1.2024-11-14-01.a+b%2Bc%C3%A9.gz")] }),
    ).toEqual([
      { bucket: "logs-bucket", key: "cloudfront/E1.2024-11-14-01.a b+cé.gz", versionId: "v1", size: 1024 },
    ]);
  });

  it("unwraps S3 notifications delivered through SQS, also via SNS", () => {
    const inner = { Records: [s3Record("cloudfront/a.gz")] };
    const sns = { Type: "Notification", Message: JSON.stringify(inner) };
    const event = {
      Records: [
        { eventSource: "aws:sqs", body: JSON.stringify(inner) },
        { eventSource: "aws:sqs", body: JSON.stringify(sns) },
      ],
    };
    expect(objectRefsFromEvent(event).map((r) => r.key)).toEqual(["cloudfront/a.gz", "cloudfront/a.gz"]);
  });

  it("reads EventBridge Object Created events without decoding again", () => {
    const event = {
      source: "aws.s3",
      "detail-type": "Object Created",
      detail: {
        bucket: { name: "logs-bucket" },
        object: { key: "cloudfront/a b.gz", size: 9, "version-id": "v2" },
      },
    };
    expect(objectRefsFromEvent(event)).toEqual([
      { bucket: "logs-bucket", key: "cloudfront/a b.gz", versionId: "v2", size: 9 },
    ]);
  });

  it("ignores S3 test events and non-create events", () => {
    expect(objectRefsFromEvent({ Event: "s3:TestEvent" })).toEqual([]);
    expect(
      objectRefsFromEvent({ Records: [{ ...s3Record("x"), eventName: "ObjectRemoved:Delete" }] }),
    ).toEqual([]);
  });

  it("gives every unreadable event a typed error with a code, never a raw TypeError or URIError", () => {
    const code = (event: unknown) => {
      try {
        objectRefsFromEvent(event);
      } catch (error) {
        expect(error).toBeInstanceOf(UnsupportedEventError);
        return (error as UnsupportedEventError).code;
      }
      return "no error";
    };
    expect(code(null)).toBe("EVENT_NOT_OBJECT");
    expect(code(undefined)).toBe("EVENT_NOT_OBJECT");
    expect(code([1])).toBe("EVENT_NOT_OBJECT");
    expect(code({ Records: "x" })).toBe("EVENT_UNRECOGNIZED");
    expect(code({ Records: [7] })).toBe("RECORD_NOT_OBJECT");
    expect(code({ Records: [s3Record("cloudfront/a%.gz")] })).toBe("KEY_ENCODING");
    expect(code({ Records: [s3Record("cloudfront/%E0%A4%A.gz")] })).toBe("KEY_ENCODING");
    expect(
      code({ Records: [{ eventSource: "aws:sqs", body: '{"Type":"Notification","Message":"{"}' }] }),
    ).toBe("BODY_NOT_JSON");
    expect(code({ source: "aws.s3", "detail-type": "Object Created", detail: {} })).toBe("OBJECT_MISSING");
  });

  it("rejects shapes it does not know with a message that says what was expected", () => {
    expect(() => objectRefsFromEvent({ hello: 1 })).toThrowError(UnsupportedEventError);
    expect(() => objectRefsFromEvent({ Records: [{ eventSource: "aws:sqs", body: "{" }] })).toThrow(
      /Records\[0\]: SQS body is not JSON/,
    );
    expect(() =>
      objectRefsFromEvent({ Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: {} }] }),
    ).toThrow(/without bucket name or object key/);
  });
});
