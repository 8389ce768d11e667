import { EVENTS } from "../recall/catalog.js";

/** The event column is as wide as the longest event type Recall sends, so every row lines up. */
export const EVENT_COLUMN = Math.max(...EVENTS.map((e) => e.name.length));
