import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

/** Which batches of one object's publish plan CloudWatch has accepted, kept across invocations. */
export interface PublishProgress {
  /** Fingerprint of the plan the batches belong to; a different plan cannot reuse them. */
  planHash: string;
  batches: Set<number>;
}

/**
 * Publish progress in the idempotency table, one item per object (`progress#<object id>`), expiring with
 * the table's TTL. Written after each accepted batch, so a retry after a crash resumes at the first batch
 * CloudWatch had not accepted.
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
    const batches = Item.batches instanceof Set ? (Item.batches as Set<number>) : new Set<number>();
    return { planHash: String(Item.planHash ?? ""), batches: new Set([...batches].map(Number)) };
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
