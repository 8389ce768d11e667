import { isRecallHooksError } from "../errors.js";
import { subCodesFor } from "../recall/catalog.js";
import { findScenario, withSubCode } from "../recall/scenarios.js";

// Which scenario a bot walks, chosen without changing the app: metadata `recall_hooks_scenario`
// (and `recall_hooks_sub_code`), else the meeting URL's query (`?recall_hooks_scenario=fatal&sub_code=...`),
// else the emulator's --scenario. `recall_hooks_transcript_failure: <sub code>` makes its transcripts fail.

export interface ScenarioChoice {
  readonly scenario: string;
  readonly subCode: string | null;
}

/** The choice, or a DRF field-map error naming where the bad value came from. */
export function chooseScenario(
  metadata: Readonly<Record<string, string>>, query: URLSearchParams | null, fallback: ScenarioChoice,
): ScenarioChoice | { errors: Record<string, unknown> } {
  const failure = metadata["recall_hooks_transcript_failure"];
  const known = subCodesFor("failed").map((s) => s.subCode);
  if (failure !== undefined && !known.includes(failure)) {
    return { errors: { metadata: [`recall-hooks emulator: recall_hooks_transcript_failure "${failure}" is not a transcript.failed sub code: use one of ${known.join(", ")}.`] } };
  }
  const fromMetadata = metadata["recall_hooks_scenario"];
  const fromQuery = query?.get("recall_hooks_scenario") ?? null;
  if (fromMetadata !== undefined) {
    return check("metadata", fromMetadata, metadata["recall_hooks_sub_code"] ?? null);
  }
  if (fromQuery !== null) {
    return check("meeting_url", fromQuery, query?.get("sub_code") ?? query?.get("recall_hooks_sub_code") ?? null);
  }
  return fallback;
}

function check(field: string, name: string, subCode: string | null): ScenarioChoice | { errors: Record<string, unknown> } {
  try {
    const scenario = findScenario(name);
    if (subCode !== null) withSubCode(scenario, subCode);
    return { scenario: scenario.name, subCode };
  } catch (error) {
    if (!isRecallHooksError(error)) throw error;
    return { errors: { [field]: [`recall-hooks emulator: ${error.message}`] } };
  }
}
