import { describe, expect, it } from "vitest";
import { assertLeastPrivilege } from "../../helpers/least-privilege";

const DATA = "arn:aws:s3:::sluice-prod-databucket-abcdefgh";
const TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/sluice-prod-RecordsTable-abcdefgh";

describe("assertLeastPrivilege", () => {
  it("throws when a statement is widened to s3:*", () => {
    expect(() => assertLeastPrivilege([{ actions: ["s3:*"], resources: [`${DATA}/*`] }])).toThrow(
      /wildcard action s3:\*/,
    );
  });

  it.each([
    [["dynamodb:*"], [TABLE]],
    [["s3:Get*"], [`${DATA}/*`]],
    [["*"], [TABLE]],
    [["s3:GetObject"], ["*"]],
  ])("throws for actions %j on %j", (actions, resources) => {
    expect(() => assertLeastPrivilege([{ actions, resources }])).toThrow();
  });

  it("accepts exact actions on named resources", () => {
    expect(() =>
      assertLeastPrivilege([{ actions: ["s3:GetObject", "sqs:SendMessage"], resources: [`${DATA}/*`] }]),
    ).not.toThrow();
  });
});
