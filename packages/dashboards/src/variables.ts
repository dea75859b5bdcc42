import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

/** A text-box variable with a default: editable after import, filled by the dashboards stack. */
export function textVariable(name: string, label: string, value: string) {
  return new dashboard.TextBoxVariableBuilder(name)
    .label(label)
    .defaultValue(value)
    .current({ text: value, value });
}
