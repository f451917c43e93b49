// process-reminders: run by the "reminders" schedule every 5 minutes.
// Finds reminders that are due (GSI1 "REMINDER#DUE", sorted by due time), pushes them to the
// owner's phones through Expo's push service, and marks them sent (which also takes them out of
// the index). If Expo refuses a whole batch of messages, the alerts topic is told.
import {
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";

const db = new DynamoDBClient({});
const sns = new SNSClient({});
const { TABLE_NAME, TOPIC_ARN } = process.env;
const EXPO_PUSH_URL = "https://exp.host/--/api/v2/push/send";
const TEXT = {
  strain: "Time to strain your kefir",
  feed: "Your kefir grains are hungry",
  check_second_ferment: "Check your second ferment",
  custom: "BubbleBatch reminder",
};

async function dueReminders(now) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      IndexName: "GSI1",
      KeyConditionExpression: "GSI1PK = :due AND GSI1SK <= :now",
      ExpressionAttributeValues: { ":due": { S: "REMINDER#DUE" }, ":now": { S: `${now}#~` } },
      Limit: 100,
    }),
  );
  return result.Items ?? [];
}

async function devicesOf(userKey) {
  const result = await db.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :device)",
      ExpressionAttributeValues: { ":pk": { S: userKey }, ":device": { S: "DEVICE#" } },
    }),
  );
  return (result.Items ?? []).map((item) => item.token.S);
}

async function markSent(reminder) {
  await db
    .send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: { PK: reminder.PK, SK: reminder.SK },
        UpdateExpression: "SET #status = :sent, sentAt = :now REMOVE GSI1PK, GSI1SK",
        ConditionExpression: "#status = :scheduled",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":sent": { S: "sent" },
          ":scheduled": { S: "scheduled" },
          ":now": { S: new Date().toISOString() },
        },
      }),
    )
    .catch((error) => {
      if (error.name !== "ConditionalCheckFailedException") throw error; // another run sent it
    });
}

export const handler = async () => {
  const now = new Date().toISOString();
  const reminders = await dueReminders(now);
  const messages = [];
  for (const reminder of reminders) {
    for (const to of await devicesOf(reminder.PK.S)) {
      messages.push({
        to,
        title: "BubbleBatch",
        body: TEXT[reminder.kind.S] ?? TEXT.custom,
        data: { batchId: reminder.batchId.S, kind: reminder.kind.S },
      });
    }
  }
  // Expo accepts up to 100 messages per request.
  for (let start = 0; start < messages.length; start += 100) {
    const response = await fetch(EXPO_PUSH_URL, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(messages.slice(start, start + 100)),
    });
    if (!response.ok) {
      await sns.send(
        new PublishCommand({
          TopicArn: TOPIC_ARN,
          Subject: "BubbleBatch: push notifications failing",
          Message: `Expo push service answered ${response.status} for ${messages.length} message(s) at ${now}.`,
        }),
      );
      throw new Error(`Expo push failed with HTTP ${response.status}`); // retried by the schedule
    }
  }
  for (const reminder of reminders) await markSent(reminder);
  return { due: reminders.length, pushed: messages.length };
};
