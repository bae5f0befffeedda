/**
 * The AWS SDK warns once per process that its releases after January 2027 will need Node 22. The
 * project supports Node 20 (package.json `engines`), and the local commands talk to the emulator
 * only, so the warning would be the first thing a new user reads in `npm start` while saying
 * nothing about what they are doing. The SDK's own switch
 * (`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED`) turns it off, unless the user set it.
 */
export const quietSdkNodeVersionWarning = (): void => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
};
