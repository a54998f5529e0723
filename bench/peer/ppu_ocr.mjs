#!/usr/bin/env node
// The peer of bench/peer/run.sh: ppu-paddle-ocr (npm, ONNX Runtime through
// onnxruntime-node) on a folder of images, with model files given on the
// command line (the same ONNX files `ppocr ocr` reads).
//
//   node ppu_ocr.mjs --images DIR --det DET.onnx --rec REC.onnx --dict DICT.txt
//        [--threads N] [--concurrency N] [--out DIR] [--limit N]
//
// Needs ppu-paddle-ocr and onnxruntime-node under $PEER_DIR/node_modules
// (bench/peer/run.sh installs them there; default ~/.cache/ppocr-peer). Never a
// dependency of ppocr.
//
// Timing: the wall time of batchRecognize over all images (decode, detection,
// recognition; after the models are loaded, before any file is written), as
// pages/s. With --out, one {name}_res.json per image in PaddleOCR's result
// schema (input_path, rec_texts, rec_scores, rec_polys) for ocr_score.py.
// Prints one JSON line on stdout.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

function args() {
  const a = { threads: 1, concurrency: 0, out: '', limit: 0 };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    const k = v[i].replace(/^--/, '');
    if (!(k in a) && !['images', 'det', 'rec', 'dict'].includes(k)) throw new Error('unknown flag ' + v[i]);
    a[k] = v[i + 1];
  }
  for (const k of ['images', 'det', 'rec', 'dict']) if (!a[k]) throw new Error('--' + k + ' is required');
  a.threads = Number(a.threads);
  a.concurrency = Number(a.concurrency);
  a.limit = Number(a.limit);
  return a;
}

async function main() {
  const a = args();
  const dir = process.env.PEER_DIR || path.join(os.homedir(), '.cache', 'ppocr-peer');
  const req = createRequire(path.join(dir, 'package.json'));
  const { PaddleOcrService } = await import(pathToFileURL(req.resolve('ppu-paddle-ocr')).href);
  let files = fs.readdirSync(a.images).filter(f => /\.(jpe?g|png|bmp)$/i.test(f)).sort();
  if (a.limit > 0) files = files.slice(0, a.limit);
  const paths = files.map(f => path.resolve(a.images, f));

  const t_load = performance.now();
  const service = new PaddleOcrService({
    model: { detection: path.resolve(a.det), recognition: path.resolve(a.rec), charactersDictionary: path.resolve(a.dict) },
    session: { intraOpNumThreads: a.threads, interOpNumThreads: 1 },
  });
  await service.initialize();
  const load_s = (performance.now() - t_load) / 1000;

  const t0 = performance.now();
  const opts = { flatten: true, noCache: true };
  if (a.concurrency > 0) opts.concurrency = a.concurrency;
  // Files are read as the pool asks for them (inside the timed part, as ppocr reads its inputs).
  function* buffers() {
    for (const p of paths) {
      const b = fs.readFileSync(p);
      yield b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    }
  }
  const results = await service.batchRecognize(buffers(), opts);
  const run_s = (performance.now() - t0) / 1000;
  await service.destroy?.();

  if (a.out) {
    fs.mkdirSync(a.out, { recursive: true });
    results.forEach((r, i) => {
      const items = r.results || [];
      const res = {
        input_path: paths[i],
        rec_texts: items.map(x => x.text),
        rec_scores: items.map(x => x.confidence),
        rec_polys: items.map(x => {
          const b = x.box;
          return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]];
        }),
      };
      const name = path.parse(paths[i]).name;
      fs.writeFileSync(path.join(a.out, name + '_res.json'), JSON.stringify(res));
    });
  }
  const version = m => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', m, 'package.json'), 'utf8')).version;
  console.log(JSON.stringify({
    peer: 'ppu-paddle-ocr ' + version('ppu-paddle-ocr') + ' (onnxruntime-node ' + version('onnxruntime-node') + ')',
    pages: paths.length, threads: a.threads, load_s: +load_s.toFixed(3), run_s: +run_s.toFixed(3),
    pages_per_s: +(paths.length / run_s).toFixed(3),
  }));
}

main().catch(e => {
  console.error('ppu_ocr.mjs: ' + (e && e.stack || e));
  process.exit(1);
});
