// Test-case handler for the serverless kinds: reports which components it was wired to.
export const handler = async (event) => {
  const wired = Object.keys(process.env).filter((k) => /_(ARN|NAME|ENDPOINT|SET|SENDER|URL|ID)$/.test(k));
  return { statusCode: 200, body: JSON.stringify({ wired: wired.sort(), route: event?.requestContext?.routeKey }) };
};
