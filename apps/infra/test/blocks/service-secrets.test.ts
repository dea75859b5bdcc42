import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { ContainerImage } from "../../src/blocks/container-image.js";
import { Permissions } from "../../src/blocks/grants.js";
import { ServiceSecrets } from "../../src/blocks/service-secrets.js";
import { freshStack, grantedStatements, synthJson } from "../features/fresh-stack.js";
import { resources } from "../synth.js";

describe("ServiceSecrets", () => {
  it("creates each secret once, without a value, with a recovery window unless disposable", () => {
    for (const disposable of [false, true]) {
      const { stack, naming, key } = freshStack();
      const secrets = new ServiceSecrets(stack, "secrets", { naming, key, disposable });
      const arn = secrets.secret("API_TOKEN", { generated: true });
      expect(secrets.secret("API_TOKEN")).toBe(arn);
      expect(secrets.secret("EXISTING", { existingArn: "arn:aws:secretsmanager:eu-west-1:1:secret:x" })).toBe(
        "arn:aws:secretsmanager:eu-west-1:1:secret:x",
      );
      const json = synthJson(stack);
      expect(resources(json, "aws_secretsmanager_secret_version")).toEqual([]);
      expect(resources(json, "aws_secretsmanager_secret")).toEqual([
        expect.objectContaining({
          name: "trackgraph-test-secrets/api-token",
          recovery_window_in_days: disposable ? 0 : 30,
        }),
      ]);
      expect(secrets.created.map((c) => [c.env, c.generated])).toEqual([["API_TOKEN", true]]);
    }
  });

  it("grants reading exactly the given secrets and decrypting through Secrets Manager", () => {
    const { stack, naming, key } = freshStack();
    const secrets = new ServiceSecrets(stack, "secrets", { naming, key });
    const reader = new Permissions();
    secrets.grantRead(reader, "App", [secrets.secret("A"), secrets.secret("B")]);
    const [read, decrypt] = grantedStatements(stack, reader);
    expect(read).toMatchObject({ sid: "AppReadSecrets", actions: ["secretsmanager:GetSecretValue"] });
    expect(read?.resources).toHaveLength(2);
    expect(decrypt?.sid).toBe("AppDecryptSecrets");
    expect(decrypt?.condition?.[0]?.values[0]).toMatch(/^secretsmanager\./);
  });
});

describe("ContainerImage", () => {
  it("pins a tag or a digest, and grants pulling only its repository (plus ECR's token)", () => {
    const { stack } = freshStack();
    const tagged = new ContainerImage(stack, "tagged", { repository: "tg/backend", tag: "src-1" });
    const pinned = new ContainerImage(stack, "pinned", { repository: "tg/backend", digest: "sha256:ab" });
    new TerraformOutput(stack, "tagged-uri", { value: tagged.uri });
    new TerraformOutput(stack, "pinned-uri", { value: pinned.uri });
    expect(() => new ContainerImage(stack, "neither", { repository: "tg/x" })).toThrow(
      /give a tag or a digest/,
    );
    const puller = new Permissions();
    tagged.grantPull(puller, "Task");
    const uris = synthJson(stack).output;
    expect(uris["tagged-uri"]?.value).toMatch(/repository_url\}:src-1$/);
    expect(uris["pinned-uri"]?.value).toMatch(/repository_url\}@sha256:ab$/);
    expect(
      grantedStatements(stack, puller).map((s) => [
        s.sid,
        s.resources?.[0]?.startsWith("${data.aws_ecr_repository") ? "repo" : s.resources?.[0],
      ]),
    ).toEqual([
      ["TaskPullImage", "repo"],
      ["TaskEcrToken", "*"],
    ]);
  });
});
