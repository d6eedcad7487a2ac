// Start the production build on http://localhost:3000 (or PORT), bound to loopback unless HOST says otherwise.
process.env.PORT ??= '3000';
process.env.HOST ??= '127.0.0.1';
process.env.BODY_SIZE_LIMIT ??= '52428800';

// This server speaks plain HTTP. Without ORIGIN (or a proxy's PROTOCOL_HEADER), adapter-node assumes
// https, and SvelteKit's cross-site check would refuse every form the browser posts. So, unless the
// operator has said otherwise, each request is marked as plain HTTP for whatever host it was sent to
// (localhost or 127.0.0.1 alike), and the origin check stays on.
const markPlainHttp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (markPlainHttp) process.env.PROTOCOL_HEADER = 'x-landscape-protocol';

const { server } = await import('../build/index.js');
if (markPlainHttp)
	server.server.prependListener('request', (request) => {
		request.headers['x-landscape-protocol'] = 'http';
	});

const url = `http://${process.env.HOST === '127.0.0.1' ? 'localhost' : process.env.HOST}:${process.env.PORT}`;
console.log(`Landscape is running at ${url}`);
