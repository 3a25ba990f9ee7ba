/** What a stage points at, kept in SSM after each deploy so that the next one can tell a change from a slip. */
export interface DeployedSettings {
  /** The existing data bucket's name, or "created" for the stack's own. */
  dataBucket: string;
  delivery: boolean;
}

/** The only settings a deployer confirms from the shell: one deploy that means to change them. */
export const CONFIRMABLE = ["existingBucket", "encord"] as const;

/** The SSM parameter holding the stage's deployed settings. */
export function deployedSettingsName(app: string, stage: string): string {
  return `/${app}/${stage}/deployed-settings`;
}

/**
 * Why this deploy must not go ahead, or null: it would repoint every function at another data bucket, or turn
 * delivery off, when the previous deploy of the stage did otherwise and `SLUICE_CONFIRM` does not name it.
 */
export function redeployProblem(
  previous: DeployedSettings | null,
  next: DeployedSettings,
  confirmed: readonly string[],
): string | null {
  if (previous === null) return null;
  const describe = (bucket: string) =>
    bucket === "created" ? "the bucket the stack created" : `"${bucket}"`;
  if (previous.dataBucket !== next.dataBucket && !confirmed.includes("existingBucket"))
    return `existingBucket: this stage reads ${describe(previous.dataBucket)}, and sluice.stages.json now says ${describe(next.dataBucket)}. Every function would read another data bucket. If you mean it, deploy once with SLUICE_CONFIRM=existingBucket.`;
  if (previous.delivery && !next.delivery && !confirmed.includes("encord"))
    return "encord: this stage delivers to Encord, and sluice.stages.json now has no encord settings, so delivery would stop. If you mean it, deploy once with SLUICE_CONFIRM=encord.";
  return null;
}

/** Reads the parameter's value; anything unreadable counts as no earlier deploy. */
export function parseDeployed(value: string | undefined): DeployedSettings | null {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as Partial<DeployedSettings>;
    if (typeof parsed.dataBucket === "string" && typeof parsed.delivery === "boolean")
      return { dataBucket: parsed.dataBucket, delivery: parsed.delivery };
  } catch {
    // An unreadable record is treated as none: the settings file is the truth.
  }
  return null;
}
