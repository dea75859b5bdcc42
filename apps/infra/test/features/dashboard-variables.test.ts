import { allDashboards, BACKEND_LOG_GROUP_VARIABLE, EXAMPLE_CONTEXT } from "@trackgraph/dashboards";
import { describe, expect, it } from "vitest";
import { withTextVariable } from "../../src/grafana/dashboard-variables.js";

const backend = () =>
  allDashboards(EXAMPLE_CONTEXT)["backend.json"] as unknown as {
    templating: { list: Array<Record<string, unknown>> };
  };

describe("withTextVariable", () => {
  it("sets the default and current value of the backend dashboard's log group variable, nothing else", () => {
    const before = backend();
    const after = withTextVariable(before, BACKEND_LOG_GROUP_VARIABLE, "/ecs/trackgraph-dev-backend");
    const variable = after.templating.list.find((v) => v.name === BACKEND_LOG_GROUP_VARIABLE);
    expect(variable).toMatchObject({
      query: "/ecs/trackgraph-dev-backend",
      current: { text: "/ecs/trackgraph-dev-backend", value: "/ecs/trackgraph-dev-backend" },
    });
    const others = (d: typeof before) =>
      d.templating.list.filter((v) => v.name !== BACKEND_LOG_GROUP_VARIABLE);
    expect(others(after)).toEqual(others(before));
    // The input is left as it was.
    expect(before.templating.list.find((v) => v.name === BACKEND_LOG_GROUP_VARIABLE)?.query).not.toBe(
      "/ecs/trackgraph-dev-backend",
    );
  });

  it("refuses a variable the dashboard does not have", () => {
    expect(() => withTextVariable(backend(), "no_such_variable", "x")).toThrow(
      'dashboard has no text-box variable "no_such_variable"',
    );
  });
});
