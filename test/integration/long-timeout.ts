// Integration tests build images and boot containers: jest 29 ignores `testTimeout` inside a
// project, so the integration project sets it here (unit tests keep the 5 s default).
jest.setTimeout(20 * 60 * 1000);
