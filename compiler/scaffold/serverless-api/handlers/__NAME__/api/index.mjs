// The __NAME__ API: one Lambda function behind an HTTP API (written by `specc init`).
// The table's name arrives in TABLE_NAME; the AWS SDK v3 ships with the nodejs22.x runtime.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

const reply = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export const handler = async (event) => {
  if (event.routeKey === "GET /health") return reply(200, { ok: true });

  // Private routes: API Gateway has checked the token; its subject is the user.
  const user = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (!user) return reply(401, { message: "unauthorized" });
  const pk = `USER#${user}`;
  const id = event.pathParameters?.id;

  switch (event.routeKey) {
    case "GET /items": {
      const out = await db.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :item)",
          ExpressionAttributeValues: { ":pk": pk, ":item": "ITEM#" },
        }),
      );
      return reply(200, { items: (out.Items ?? []).map(({ PK, SK, ...item }) => item) });
    }
    case "POST /items": {
      let input;
      try {
        input = JSON.parse(event.body ?? "{}");
      } catch {
        return reply(400, { message: "the body must be JSON" });
      }
      if (typeof input.title !== "string" || input.title.length === 0 || input.title.length > 200) {
        return reply(400, { message: "title: a string of 1 to 200 characters" });
      }
      const item = { id: randomUUID(), title: input.title, createdAt: new Date().toISOString() };
      await db.send(new PutCommand({ TableName: TABLE, Item: { PK: pk, SK: `ITEM#${item.id}`, ...item } }));
      return reply(201, item);
    }
    case "GET /items/{id}": {
      const out = await db.send(new GetCommand({ TableName: TABLE, Key: { PK: pk, SK: `ITEM#${id}` } }));
      if (!out.Item) return reply(404, { message: "not found" });
      const { PK, SK, ...item } = out.Item;
      return reply(200, item);
    }
    case "DELETE /items/{id}": {
      await db.send(new DeleteCommand({ TableName: TABLE, Key: { PK: pk, SK: `ITEM#${id}` } }));
      return reply(204, {});
    }
    default:
      return reply(404, { message: `no route ${event.routeKey}` });
  }
};
