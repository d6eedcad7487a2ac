// Start the production build on http://localhost:3000 (or PORT), bound to loopback unless HOST says otherwise.
process.env.PORT ??= '3000';
process.env.HOST ??= '127.0.0.1';
process.env.BODY_SIZE_LIMIT ??= '52428800';

const url = `http://${process.env.HOST === '127.0.0.1' ? 'localhost' : process.env.HOST}:${process.env.PORT}`;
await import('../build/index.js');
console.log(`Landscape is running at ${url}`);
