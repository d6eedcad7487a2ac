import type { CliIo } from './cli-kit';
import { main } from './cli';

/**
 * For tests of the `landscape` command line: an io that records what a command prints and fails
 * the test if the command reads or writes a file through it (every command that takes a file
 * reads it itself, so an io read is a mistake).
 */
export function cliRecorder() {
	const out = { stdout: '', stderr: '' };
	const io: CliIo = {
		stdout: (text) => void (out.stdout += text),
		stderr: (text) => void (out.stderr += text),
		readFile: () => {
			throw new Error('a command read a file through the io; commands read files themselves');
		},
		writeFile: () => {
			throw new Error('a command wrote a file through the io; commands write files themselves');
		}
	};
	return { io, out };
}

/** Run `landscape <argv…>` in process: its exit code and what it printed. */
export async function runLandscape(...argv: string[]) {
	const { io, out } = cliRecorder();
	const code = await main(argv, io);
	return { code, ...out };
}
