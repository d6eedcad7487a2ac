// The app as Playwright tests it: the production build on a fresh database seeded from data/.
import fs from 'node:fs';
import path from 'node:path';

const db = path.resolve(process.env.LANDSCAPE_DB ?? `var/e2e/landscape-${process.pid}.db`);
fs.mkdirSync(path.dirname(db), { recursive: true });
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
process.env.LANDSCAPE_DB = db;
const cleanUp = () => {
	for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
};
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
await import('./start.js');
