#!/usr/bin/env node
// Calls `ppocr serve` from Node.js (18+, built-in fetch): sends a file (image or
// PDF) as Base64, prints the recognised texts one per line, and saves the OCR
// visualisation of the first page when OUT is given.
// usage: node client.js [URL] FILE [OUT.jpg]     URL defaults to http://127.0.0.1:8080
const fs = require("fs");

async function main() {
  const args = process.argv.slice(2);
  const url = args[0] && args[0].startsWith("http") ? args.shift() : "http://127.0.0.1:8080";
  const [path, out] = args;
  const payload = { file: fs.readFileSync(path).toString("base64"), visualize: Boolean(out) };
  const response = await fetch(`${url}/ocr`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  const body = await response.json();
  if (response.status !== 200) {
    console.error(`error ${body.errorCode}: ${body.errorMsg}`);
    process.exit(1);
  }
  for (const page of body.result.ocrResults) {
    for (const text of page.prunedResult.rec_texts) console.log(text);
  }
  const image = body.result.ocrResults[0].ocrImage;
  if (out && image) fs.writeFileSync(out, Buffer.from(image, "base64"));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
