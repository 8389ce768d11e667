// Copies the inspector page's static files (HTML, CSS) beside the UI code tsc compiled into dist.
import { copyFileSync, mkdirSync } from "node:fs";

const from = new URL("../src/inspector/ui/", import.meta.url);
const to = new URL("../dist/inspector/ui/", import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of ["index.html", "app.css"]) copyFileSync(new URL(name, from), new URL(name, to));
