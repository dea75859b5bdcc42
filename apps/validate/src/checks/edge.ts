import { GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { DIMENSION, NAMESPACE } from "@trackgraph/log-parser/metrics";
import { syntheticLog } from "../cloudfront-log.js";
import { pollUntil } from "../poll.js";
import { CheckFailed, type CheckResult, runCheck } from "../report.js";
import type { ValidationTarget } from "../target.js";

const REQUESTS = 120;

/**
 * Check 3 of the design: a CloudFront log delivered to the logs bucket triggers the Lambda and produces
 * metrics in TrackGraph/CloudFront. Writes one synthetic log object for a fresh distribution id, lets it
 * reach the Lambda, and reads `Requests` back until the sum equals the log's request count.
 */
export function checkEdge(target: ValidationTarget): Promise<CheckResult> {
  const log = syntheticLog(REQUESTS);
  const key = `${target.logs.prefix}${log.fileName}`;
  return runCheck(
    "A CloudFront log becomes TrackGraph/CloudFront metrics",
    `s3://${target.logs.bucket}/${key} (${REQUESTS} requests of distribution ${log.distributionId})`,
    async () => {
      await target.logs.s3.send(
        new PutObjectCommand({ Bucket: target.logs.bucket, Key: key, Body: log.body }),
      );
      await target.logs.deliver(key);
      // Both: moto's GetMetricData ignores the namespace it is asked for, so the sum alone would also
      // count metrics published elsewhere; ListMetrics filters by namespace there too.
      const total = await pollUntil(
        async () =>
          (await listedInNamespace(target, log.distributionId))
            ? await requestsSum(target, log.distributionId, log.from, log.to)
            : 0,
        (sum) => sum >= REQUESTS,
        target.timeoutSeconds * 1000,
      );
      if (total === REQUESTS)
        return `${NAMESPACE} Requests{${DIMENSION}=${log.distributionId}} sums to ${total}`;
      if (total > 0)
        throw new CheckFailed(
          `${NAMESPACE} Requests sums to ${total}, not ${REQUESTS}`,
          total > REQUESTS
            ? "requests were counted twice: the idempotency record did not hold"
            : "some requests were not counted: see the Lambda's MalformedLines metric and its logs",
        );
      throw new CheckFailed(
        `no ${NAMESPACE} metrics for ${log.distributionId} after ${target.timeoutSeconds} s`,
        await edgeCause(target, log.distributionId),
      );
    },
  );
}

async function listedInNamespace(target: ValidationTarget, distributionId: string): Promise<boolean> {
  const listed = await target.cloudwatch.send(
    new ListMetricsCommand({
      Namespace: NAMESPACE,
      MetricName: "Requests",
      Dimensions: [{ Name: DIMENSION, Value: distributionId }],
    }),
  );
  return (listed.Metrics ?? []).length > 0;
}

async function requestsSum(
  target: ValidationTarget,
  distributionId: string,
  from: Date,
  to: Date,
): Promise<number> {
  const result = await target.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(from.getTime() - 60_000),
      EndTime: new Date(to.getTime() + 120_000),
      MetricDataQueries: [
        {
          Id: "requests",
          MetricStat: {
            Metric: {
              Namespace: NAMESPACE,
              MetricName: "Requests",
              Dimensions: [{ Name: DIMENSION, Value: distributionId }],
            },
            Period: 60,
            Stat: "Sum",
          },
        },
      ],
    }),
  );
  return (result.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
}

/** Where the distribution's metrics went instead, if anywhere: a wrong namespace shows up here. */
async function edgeCause(target: ValidationTarget, distributionId: string): Promise<string> {
  const listed = await target.cloudwatch.send(
    new ListMetricsCommand({ Dimensions: [{ Name: DIMENSION, Value: distributionId }] }),
  );
  const namespaces = [...new Set((listed.Metrics ?? []).map((m) => m.Namespace))];
  if (namespaces.length > 0)
    return `the Lambda published this distribution's metrics to namespace ${namespaces.map((n) => `"${n}"`).join(", ")} instead of "${NAMESPACE}": the deployed function is not the one this repository builds`;
  return "nothing was published for this distribution in any namespace: the Lambda did not run on the object (check the bucket notification's prefix, and the function's logs and dead-letter queue)";
}
