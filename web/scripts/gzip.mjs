// Writes FILE.gz next to every file in dist/assets so convene can serve them precompressed
// (it answers with Content-Encoding: gzip when the client accepts it).
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
for (const name of readdirSync(dir)) {
	if (name.endsWith('.gz')) continue;
	const path = join(dir, name);
	if (!statSync(path).isFile()) continue;
	const gz = gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION });
	writeFileSync(path + '.gz', gz);
}
