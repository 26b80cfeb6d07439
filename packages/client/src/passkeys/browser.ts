// The WebAuthn browser ceremonies, loaded only when a passkey is used (a dynamic import of this
// module keeps @simplewebauthn/browser out of the client's first load).
export { startAuthentication, startRegistration } from '@simplewebauthn/browser';
