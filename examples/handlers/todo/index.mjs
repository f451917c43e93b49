// Minimal handler: lists the to-do items of the caller.
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});

export const handler = async (event) => {
  const user = event.requestContext?.authorizer?.jwt?.claims?.sub ?? "anonymous";
  const result = await db.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": { S: `USER#${user}` } },
    }),
  );
  return { statusCode: 200, body: JSON.stringify(result.Items ?? []) };
};
