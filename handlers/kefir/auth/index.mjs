// handle-auth: passwordless sign-in by email (Cognito choice-based sign-in with EMAIL_OTP).
//   POST /auth/login  {email}                      -> {step: "confirm_sign_up" | "email_otp", session}
//   POST /auth/verify {email, code, session, step} -> {idToken, accessToken, refreshToken, expiresIn}
// New users sign up without a password and confirm with the code Cognito emails them; known users
// get a one-time sign-in code. Both routes are public (they are how a user gets a token).
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

const cognito = new CognitoIdentityProviderClient({});
const db = new DynamoDBClient({});
const { USER_POOL_ID, USER_POOL_CLIENT_ID, TABLE_NAME } = process.env;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const reply = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

function parse(event) {
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : event.body;
    return JSON.parse(raw || "{}");
  } catch {
    return null;
  }
}

async function userStatus(email) {
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: email }));
    return user.UserStatus;
  } catch (error) {
    if (error.name === "UserNotFoundException") return null;
    throw error;
  }
}

async function login(email) {
  const status = await userStatus(email);
  if (status === null) {
    const signUp = await cognito.send(
      new SignUpCommand({
        ClientId: USER_POOL_CLIENT_ID,
        Username: email,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    return reply(200, { step: "confirm_sign_up", session: signUp.Session });
  }
  if (status === "UNCONFIRMED") {
    await cognito.send(new ResendConfirmationCodeCommand({ ClientId: USER_POOL_CLIENT_ID, Username: email }));
    return reply(200, { step: "confirm_sign_up", session: null });
  }
  const started = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_AUTH",
      ClientId: USER_POOL_CLIENT_ID,
      AuthParameters: { USERNAME: email, PREFERRED_CHALLENGE: "EMAIL_OTP" },
    }),
  );
  return reply(200, { step: "email_otp", session: started.Session });
}

function tokens(result) {
  return reply(200, {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken,
    expiresIn: result.ExpiresIn,
  });
}

async function rememberUser(sub, email) {
  await db
    .send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          PK: { S: `USER#${sub}` },
          SK: { S: "PROFILE" },
          email: { S: email },
          createdAt: { S: new Date().toISOString() },
        },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    )
    .catch((error) => {
      if (error.name !== "ConditionalCheckFailedException") throw error;
    });
}

function subject(idToken) {
  const payload = JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString("utf8"));
  return payload.sub;
}

async function verify({ email, code, session, step }) {
  let result;
  if (step === "confirm_sign_up") {
    const confirmed = await cognito.send(
      new ConfirmSignUpCommand({ ClientId: USER_POOL_CLIENT_ID, Username: email, ConfirmationCode: code, Session: session }),
    );
    const signedIn = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: "USER_AUTH",
        ClientId: USER_POOL_CLIENT_ID,
        AuthParameters: { USERNAME: email },
        Session: confirmed.Session,
      }),
    );
    result = signedIn.AuthenticationResult;
  } else {
    const answered = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: USER_POOL_CLIENT_ID,
        ChallengeName: "EMAIL_OTP",
        Session: session,
        ChallengeResponses: { USERNAME: email, EMAIL_OTP_CODE: code },
      }),
    );
    result = answered.AuthenticationResult;
  }
  if (!result) return reply(401, { error: "the code was not accepted" });
  await rememberUser(subject(result.IdToken), email);
  return tokens(result);
}

export const handler = async (event) => {
  const body = parse(event);
  if (!body || typeof body.email !== "string" || !EMAIL.test(body.email)) {
    return reply(400, { error: "send a JSON body with a valid email" });
  }
  const email = body.email.trim().toLowerCase();
  try {
    if (event.routeKey === "POST /auth/login") return await login(email);
    if (event.routeKey === "POST /auth/verify") {
      if (typeof body.code !== "string" || !/^\d{6,8}$/.test(body.code)) {
        return reply(400, { error: "send the code from the email" });
      }
      return await verify({ ...body, email });
    }
    return reply(404, { error: "no such route" });
  } catch (error) {
    const client = ["CodeMismatchException", "ExpiredCodeException", "NotAuthorizedException"];
    if (client.includes(error.name)) return reply(401, { error: "the code was not accepted" });
    if (error.name === "TooManyRequestsException" || error.name === "LimitExceededException") {
      return reply(429, { error: "too many attempts; wait a minute" });
    }
    throw error;
  }
};
