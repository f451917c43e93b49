// sendMessage: one turn of the specification interview, streamed back over the WebSocket.
//
// {"action": "sendMessage", "text": "..."} -> the message is stored on the session, the conversation
// so far is sent to the model (Anthropic, or OpenAI when PROVIDER=openai), and the reply is posted
// back to the connection as it arrives ({"type": "delta", "text": ...}, then {"type": "done"}).
// API keys are read from Secrets Manager (their ARNs are in the environment, never the keys).
import { randomUUID } from "node:crypto";
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const db = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const sockets = new ApiGatewayManagementApiClient({ endpoint: process.env.WEBSOCKET_ENDPOINT });
const TABLE = process.env.TABLE_NAME;
const PROVIDER = process.env.PROVIDER ?? "anthropic";
const SYSTEM_PROMPT =
  "You are the Specification Wizard. Interview the user about the software they want built, one " +
  "question at a time, and keep a running summary of functional and non-functional requirements.";

const keyCache = new Map();
async function apiKey(arn) {
  if (!keyCache.has(arn)) {
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    keyCache.set(arn, value.SecretString);
  }
  return keyCache.get(arn);
}

async function send(connectionId, payload) {
  await sockets.send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }),
  );
}

async function sessionOf(connectionId) {
  const item = await db.send(
    new GetItemCommand({ TableName: TABLE, Key: { PK: { S: `CONNECTION#${connectionId}` }, SK: { S: "META" } } }),
  );
  return item.Item?.sessionId?.S;
}

async function history(sessionId) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :msg)",
      ExpressionAttributeValues: { ":pk": { S: `SESSION#${sessionId}` }, ":msg": { S: "MSG#" } },
    }),
  );
  return (result.Items ?? []).map((i) => ({ role: i.role.S, content: i.text.S }));
}

async function store(sessionId, role, text) {
  const at = new Date().toISOString();
  await db.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        PK: { S: `SESSION#${sessionId}` },
        SK: { S: `MSG#${at}#${role}` },
        role: { S: role },
        text: { S: text },
        createdAt: { S: at },
        expiresAt: { N: String(Math.floor(Date.now() / 1000) + 30 * 24 * 3600) },
      },
    }),
  );
}

// Anthropic Messages API with server-sent events; yields text deltas.
async function* anthropic(messages) {
  const response = await fetch("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": await apiKey(process.env.ANTHROPIC_KEY_SECRET_ARN),
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify({
      model: process.env.MODEL ?? "claude-sonnet-4-5",
      max_tokens: 1024,
      system: SYSTEM_PROMPT,
      stream: true,
      messages,
    }),
  });
  if (!response.ok) throw new Error(`model call failed: ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").find((line) => line.startsWith("data: "));
      if (!data) continue;
      const parsed = JSON.parse(data.slice(6));
      if (parsed.type === "content_block_delta" && parsed.delta?.text) yield parsed.delta.text;
    }
  }
}

// OpenAI Chat Completions, not streamed: one delta with the whole reply.
async function* openai(messages) {
  const response = await fetch("https://api.openai.com/v1/chat/completions", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await apiKey(process.env.OPENAI_KEY_SECRET_ARN)}`,
    },
    body: JSON.stringify({
      model: process.env.MODEL ?? "gpt-4o-mini",
      messages: [{ role: "system", content: SYSTEM_PROMPT }, ...messages],
    }),
  });
  if (!response.ok) throw new Error(`model call failed: ${response.status}`);
  const body = await response.json();
  yield body.choices[0].message.content;
}

// Errors go to the error log (kept 90 days; application logs keep 30): one stream per execution environment.
const errorLog = new CloudWatchLogsClient({});
const errorStream = `errors/${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? randomUUID()}`.replace(/[:*]/g, "-");
let errorStreamReady;
async function reportError(error, context) {
  try {
    errorStreamReady ??= errorLog
      .send(new CreateLogStreamCommand({ logGroupName: process.env.LOG_GROUP_NAME, logStreamName: errorStream }))
      .catch((e) => {
        if (e.name !== "ResourceAlreadyExistsException") throw e;
      });
    await errorStreamReady;
    await errorLog.send(
      new PutLogEventsCommand({
        logGroupName: process.env.LOG_GROUP_NAME,
        logStreamName: errorStream,
        logEvents: [{ timestamp: Date.now(), message: JSON.stringify({ ...context, error: String(error), stack: error?.stack }) }],
      }),
    );
  } catch (logging) {
    console.error(JSON.stringify({ message: "could not write the error log", error: String(logging) }));
  }
}

async function run(event) {
  const connectionId = event.requestContext.connectionId;
  const { text } = JSON.parse(event.body ?? "{}");
  if (typeof text !== "string" || !text.trim() || text.length > 8000) {
    await send(connectionId, { type: "error", message: "text must be 1 to 8000 characters" });
    return { statusCode: 400 };
  }
  const sessionId = await sessionOf(connectionId);
  if (!sessionId) return { statusCode: 410 };
  await store(sessionId, "user", text);
  const messages = await history(sessionId);
  let reply = "";
  for await (const delta of (PROVIDER === "openai" ? openai : anthropic)(messages)) {
    reply += delta;
    await send(connectionId, { type: "delta", text: delta });
  }
  await store(sessionId, "assistant", reply);
  await send(connectionId, { type: "done" });
  return { statusCode: 200 };
}

export const handler = async (event) => {
  try {
    return await run(event);
  } catch (error) {
    await reportError(error, { route: event.requestContext?.routeKey, records: event.Records?.length });
    throw error;
  }
};
