// Fastify with no authentication at all: the ceiling.
import Fastify from 'fastify';
import { port, ready } from './common.mjs';

const app = Fastify({ logger: false });
app.get('/api/protected', async () => ({ ok: true, sub: 'anonymous' }));
await app.listen({ port, host: '127.0.0.1' });
ready(app.server);
