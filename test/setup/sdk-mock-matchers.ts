// aws-sdk-client-mock's matchers (toHaveReceivedCommandWith, …) registered once for every test file, so an adapter
// test uses them without a setup line of its own; importing the module also brings their types to `expect`.
import "aws-sdk-client-mock-vitest/extend";
