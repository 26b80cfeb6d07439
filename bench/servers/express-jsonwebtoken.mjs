// Express + jsonwebtoken: the stack of the seed article.
import express from 'express';
import jsonwebtoken from 'jsonwebtoken';
import { audience, issuer, jwk, port, publicPem, ready } from './common.mjs';

const app = express();
app.use((request, response, next) => {
  const header = request.headers.authorization ?? '';
  try {
    request.user = jsonwebtoken.verify(header.slice(7), publicPem, { algorithms: [jwk.alg], issuer, audience });
    next();
  } catch {
    response.status(401).json({ error: 'invalid_token' });
  }
});
app.get('/api/protected', (request, response) => response.json({ ok: true, sub: request.user.sub }));
const server = app.listen(port, '127.0.0.1', () => ready(server));
