// User Management API: health check and the signed-in user's identity, behind the load balancer's /api/*.
import { createServer } from "node:http";
import { verify } from "./jwt.mjs";

const port = Number(process.env.PORT || 3000);
// Injected by ECS from Secrets Manager when the task starts (never in the image or the template).
const secret = process.env.JWT_SECRET;

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export const server = createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET" && url.pathname === "/api/health") {
    return send(res, 200, {
      status: "ok",
      // Which stores this task was given (names only, never credentials).
      postgres: Boolean(process.env.PGHOST),
      documentdb: Boolean(process.env.DOCDB_HOST),
    });
  }
  if (req.method === "GET" && url.pathname === "/api/me") {
    const auth = req.headers.authorization || "";
    try {
      const claims = verify(auth.replace(/^Bearer\s+/i, ""), secret);
      return send(res, 200, { sub: claims.sub, email: claims.email ?? null });
    } catch (error) {
      return send(res, 401, { error: error.message });
    }
  }
  return send(res, 404, { error: "not found" });
});

if (import.meta.url === `file://${process.argv[1]}`) {
  server.listen(port, () => console.log(JSON.stringify({ msg: "listening", port })));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
