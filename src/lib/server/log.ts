import crypto from 'node:crypto';

/** The request id a caller (e.g. a load balancer) sent, if it is sane; else a new one. */
export function requestIdFrom(header: string | null): string {
	return header && /^[\w.:-]{1,100}$/.test(header) ? header : crypto.randomUUID();
}

/** LANDSCAPE_LOG=json: one JSON object per line, for shared deployments' log collectors. */
export function jsonLogs(): boolean {
	return process.env.LANDSCAPE_LOG === 'json';
}

/** Write one structured log line (stdout for info, stderr for errors). */
export function logJson(
	level: 'info' | 'error',
	msg: string,
	fields: Record<string, unknown>
): void {
	const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
	if (level === 'error') process.stderr.write(`${line}\n`);
	else process.stdout.write(`${line}\n`);
}
