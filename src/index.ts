// recall-hooks as a library: the core the CLI runs, typed, for a test suite of your own.

// Signing and verification (over svix), secrets, header families, one delivery.
export { sign, Signer, unixSeconds } from "./webhook/sign.js";
export type { SignOptions, SignedRequest } from "./webhook/sign.js";
export { verify, DEFAULT_TOLERANCE_SECONDS } from "./webhook/verify.js";
export type { VerifyOptions, VerifyResult } from "./webhook/verify.js";
export { generateSecret, parseSecret } from "./webhook/secret.js";
export type { ParsedSecret } from "./webhook/secret.js";
export { readSignatureHeaders, signatureHeaders } from "./webhook/headers.js";
export type { HeaderChoice, HeaderFamily, HeaderInput, SignatureHeaders } from "./webhook/headers.js";
export { deliver, RECALL_TIMEOUT_MS } from "./webhook/deliver.js";
export type { DeliveryErrorKind, DeliveryRequest, DeliveryResult } from "./webhook/deliver.js";

// The Recall domain: catalog, payload builders, parser, status graph.
export * from "./recall/index.js";

// Scenarios, simulate and replay.
export {
  artifactSteps, durationMs, expandSubCodes, findScenario, listScenarios, scenarioSteps, scenarios, subCodesOf, withSubCode,
} from "./recall/scenarios.js";
export type { Scenario, ScenarioStep, VariableStatus } from "./recall/scenarios.js";
export { simulate } from "./simulate/simulate.js";
export type { BotRun, SimulateOptions, SimulateReport } from "./simulate/simulate.js";
export { addDuplicates, reorderNeighbours, seededRandom } from "./simulate/chaos.js";
export { SVIX_RETRY_SCHEDULE_MS, sendLanes } from "./simulate/engine.js";
export type { Lane, Outgoing, SendOptions } from "./simulate/engine.js";
export { readReplayEntries, replay, replayLanes, selectEntries } from "./simulate/replay.js";
export type { ReplayEntry, ReplayOptions, ReplaySelection } from "./simulate/replay.js";
export { readInputs as readReplayInputs } from "./deliveries/replay-inputs.js";
export type { DeliveryRecord, RunReport, RunSummary } from "./simulate/report.js";

// Real-time endpoints: meeting scripts, their frames, and the stream simulate drives (simulate({ realtimeTo })).
export { DEFAULT_SCRIPT_TEXT, ScriptError, meetingScript } from "./realtime/script.js";
export type { MeetingScript, ScriptAction, ScriptActionType, ScriptParticipant, ScriptUtterance } from "./realtime/script.js";
export { parseScript } from "./realtime/script-parse.js";
export { RAW_MEDIA_EVENTS, expandScript } from "./realtime/frames.js";
export type { ExpandOptions, Frame, FrameSpec, RawAudio } from "./realtime/frames.js";
export { FrameBodies, streamIdentity } from "./realtime/bodies.js";
export type { StreamIdentity } from "./realtime/bodies.js";
export { RealtimeStream } from "./realtime/stream.js";
export type { RealtimeStreamOptions } from "./realtime/stream.js";
export { WEBHOOK_RETRY, WEBSOCKET_RECONNECT } from "./realtime/endpoint.js";
export type { EndpointSummary, RealtimeEvent, Transport } from "./realtime/endpoint.js";
export { signedUpgradeHeaders } from "./realtime/ws-sender.js";
export type { BotRealtime, RealtimeOptions } from "./realtime/simulate-realtime.js";
export { pcmChunk, solidPng, SAMPLE_RATE } from "./realtime/media.js";

// The listener: verify, journal, forward; for a test suite that wants a real receiver.
export { startListener } from "./listen/listener.js";
export type { AcceptedDelivery, Listener, ListenerEvent, ListenerOptions } from "./listen/listener.js";
export type { ReceivedFrame, SocketChange } from "./listen/websocket.js";
export type { ForwardRoute } from "./listen/forwarder.js";
export type { ListenSummary } from "./listen/stats.js";

// The handler check: the series Recall's deliveries put a handler through, judged.
export { check, DEFAULT_CHECK_TIMEOUT_MS } from "./check/check.js";
export type { CheckOptions } from "./check/check.js";
export { CHECK_IDS } from "./check/types.js";
export type { CheckId, CheckReport, CheckResult } from "./check/types.js";
export { startSampleHandlers } from "./check/sample-handlers.js";
export type { SampleHandlers } from "./check/sample-handlers.js";

// The emulator: a local, stateful Recall API that drives webhooks from its state.
export { startEmulator } from "./emulate/emulator.js";
export type {
  ApiRecord, Emulator, EmulatorDelivery, EmulatorOptions,
} from "./emulate/emulator.js";

// The inspector: the page and its JSON/SSE API over a journal (hand it a listener's events for live updates).
export { startInspector } from "./inspector/index.js";
export type { Inspector, InspectorOptions } from "./inspector/index.js";

// Errors, with stable codes.
export { type ErrorCode, RecallHooksError, UsageError, isRecallHooksError } from "./errors.js";
