import { describe, expect, it } from "vitest";
import { parseDeployed, redeployProblem } from "../../../stacks/redeploy-guard";

const created = { dataBucket: "created", delivery: false };

describe("redeployProblem", () => {
  it("lets the first deploy of a stage through", () => {
    expect(redeployProblem(null, { dataBucket: "team-raw", delivery: true }, [])).toBeNull();
  });

  it("lets an unchanged redeploy through", () => {
    expect(
      redeployProblem(
        { dataBucket: "team-raw", delivery: true },
        { dataBucket: "team-raw", delivery: true },
        [],
      ),
    ).toBeNull();
  });

  it("stops a deploy that would move from an existing bucket to a new one, naming the setting", () => {
    expect(redeployProblem({ dataBucket: "team-raw", delivery: false }, created, [])).toMatch(
      /^existingBucket: this stage reads "team-raw".*SLUICE_CONFIRM=existingBucket/,
    );
  });

  it("stops a deploy that would repoint a created bucket's stage at an existing one", () => {
    expect(redeployProblem(created, { dataBucket: "team-raw", delivery: false }, [])).toMatch(
      /existingBucket/,
    );
  });

  it("stops a deploy that would turn delivery off, naming the setting", () => {
    expect(redeployProblem({ dataBucket: "created", delivery: true }, created, [])).toMatch(
      /^encord: .*SLUICE_CONFIRM=encord/,
    );
  });

  it("lets a confirmed change through", () => {
    expect(
      redeployProblem({ dataBucket: "team-raw", delivery: true }, created, ["existingBucket", "encord"]),
    ).toBeNull();
  });

  it("lets delivery be turned on without confirmation", () => {
    expect(redeployProblem(created, { dataBucket: "created", delivery: true }, [])).toBeNull();
  });
});

describe("parseDeployed", () => {
  it("reads what a deploy recorded and ignores anything else", () => {
    expect(parseDeployed('{"dataBucket":"created","delivery":true}')).toEqual({
      dataBucket: "created",
      delivery: true,
    });
    expect(parseDeployed(undefined)).toBeNull();
    expect(parseDeployed("not json")).toBeNull();
    expect(parseDeployed('{"dataBucket":1}')).toBeNull();
  });
});
