/** The baseline for bench/api.ts: Express with one route and nothing else. */
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const port = Number(process.env.PORT ?? 8081);
app.listen(port, '127.0.0.1', () => console.log(`bare express listening on ${port}`));
