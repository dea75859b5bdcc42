import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

/** What earlier attempts recorded about one object's publish plan, kept across invocations. */
export interface PublishProgress {
  /** Fingerprint of the plan the batches belong to; a different plan cannot reuse them. */
  planHash: string;
  /**
   * The clock the plan was made with (epoch ms): which minutes fall inside CloudWatch's window depends
   * on it, so a retry plans with the same clock and gets the same batches. Absent in older records.
   */
  planAt: number | undefined;
  /** Batches CloudWatch accepted. */
  batches: Set<number>;
  /** Batches that were about to be sent. Those not in `batches` may or may not have been accepted. */
  sending: Set<number>;
}

/**
 * Publish progress in the idempotency table, one item per object (`progress#<object id>`), expiring with
 * the table's TTL. Before a batch is sent its index joins `sending`; after CloudWatch accepts it, it joins
 * `batches`. A retry after a crash resumes at the first batch not in `batches`, and knows that the batches
 * in `sending` but not in `batches` are the only ones CloudWatch may already hold.
 */
export class ProgressStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(objectId: string) {
    return { id: `progress#${objectId}` };
  }

  async load(objectId: string): Promise<PublishProgress | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: this.key(objectId), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const numbers = (value: unknown) =>
      new Set(value instanceof Set ? [...(value as Set<unknown>)].map(Number) : []);
    return {
      planHash: String(Item.planHash ?? ""),
      planAt: typeof Item.planAt === "number" ? Item.planAt : undefined,
      batches: numbers(Item.batches),
      sending: numbers(Item.sending),
    };
  }

  /**
   * Records that a batch is about to be sent. The first call for an object also stores the plan's hash and
   * clock; the condition refuses a write for another plan.
   */
  async begin(objectId: string, planHash: string, planAt: number, batch: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(objectId),
        UpdateExpression:
          "ADD sending :batch SET planHash = :plan, planAt = if_not_exists(planAt, :at), expiration = :expiration",
        ConditionExpression: "attribute_not_exists(planHash) OR planHash = :plan",
        ExpressionAttributeValues: {
          ":batch": new Set([batch]),
          ":plan": planHash,
          ":at": planAt,
          ":expiration": Math.floor(this.now() / 1000) + this.ttlSeconds,
        },
      }),
    );
  }

  /**
   * Takes a batch out of `sending` again: it was never sent, or CloudWatch refused it outright (throttling
   * after the SDK's retries), so a retry need not count it as possibly stored twice.
   */
  async abandon(objectId: string, planHash: string, batch: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(objectId),
        UpdateExpression: "DELETE sending :batch",
        ConditionExpression: "planHash = :plan",
        ExpressionAttributeValues: { ":batch": new Set([batch]), ":plan": planHash },
      }),
    );
  }

  /** Records one accepted batch. The plan hash is written with it so progress is never applied to another plan. */
  async add(objectId: string, planHash: string, batch: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(objectId),
        UpdateExpression: "ADD batches :batch SET planHash = :plan, expiration = :expiration",
        ConditionExpression: "attribute_not_exists(planHash) OR planHash = :plan",
        ExpressionAttributeValues: {
          ":batch": new Set([batch]),
          ":plan": planHash,
          ":expiration": Math.floor(this.now() / 1000) + this.ttlSeconds,
        },
      }),
    );
  }
}
