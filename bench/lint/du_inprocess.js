// dockerfile-utils' validate() in a loop, in one Node.js process: the peer's best case
// (no process start-up per file). Prints JSON: files linted, seconds, files/s.
const fs = require("fs");
const { validate } = require("dockerfile-utils");
const list = fs.readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean);
const passes = parseInt(process.argv[3] || "1", 10);
const contents = list.map((p) => fs.readFileSync(p, "utf8"));
// Warm up the JIT on one pass before timing, as a long-running language server would be.
for (const c of contents) validate(c);
let problems = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < passes; i++) for (const c of contents) problems += validate(c).length;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ files: contents.length * passes, seconds, problems }));
