// The pure Recall domain: catalog, payload builders, parser and lifecycle graph.
export type {
  Basis, Channel, CodeInfo, EventInfo, ParsedEvent, PayloadShape, SubCodeInfo, Transition,
} from "./types.js";
export {
  BOT_CODES, EVENTS, MEDIA_TYPES, SUB_CODES,
  describeUnmatchedPatterns, eventsMatching, findCode, findEvent, findSubCode, matchesAny, matchesPattern, splitPatterns, subCodesFor, checkSubCode, subCodesOfEvent,
} from "./catalog.js";
export type { BuildEventOptions, ParticipantOptions, RecallEvent } from "./build.js";
export { buildEvent, isoMicros, newMessageId, SAMPLE_METADATA, serializeEvent } from "./build.js";
export { BODY_FORMATS, DEFAULT_BODY_FORMAT, formatBody, isBodyFormat } from "./body-format.js";
export type { BodyFormat } from "./body-format.js";
export { parseDelivery } from "./parse.js";
export type { StatusPoint } from "./lifecycle.js";
export {
  TRANSITIONS, canFollow, isOutOfOrder, isTerminal, lifecycleCodes, parseTimestamp, statusRank,
} from "./lifecycle.js";
