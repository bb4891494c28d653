// Canonicalizes N-Quads with digitalbazaar's rdf-canonize (RDFC-1.0), the reference the
// W3C editors maintain: one JSON string of N-Quads per input line, one JSON answer per line
// ({"nquads": ...} or {"error": ...}), so a test can ask many times over one process.
import canonize from 'rdf-canonize';
import readline from 'node:readline';

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  try {
    const nquads = await canonize.canonize(JSON.parse(line), {
      algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads',
      format: 'application/n-quads', maxWorkFactor: 1});
    process.stdout.write(JSON.stringify({nquads}) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({error: String(e && e.message || e)}) + '\n');
  }
}
