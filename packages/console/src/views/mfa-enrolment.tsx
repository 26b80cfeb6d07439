import { useEffect, useState } from 'preact/hooks';
import { useApi } from '../api';
import { ProblemAlert } from '../components/problem';

interface Enrolment {
  secret: string;
  otpauth_uri: string;
}

type Stage = { name: 'idle' } | { name: 'scanning'; enrolment: Enrolment } | { name: 'codes'; codes: string[] };

/** "ABCD EFGH …": the Base32 secret in groups of four, easier to type into an app by hand. */
const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Setting up TOTP: POST /api/users/me/mfa/totp answers a secret and its otpauth:// URI, shown as a
 * QR code drawn in this page and as text; a current code confirms it and the server answers ten
 * recovery codes, shown this once. The secret and the codes live in this component's state only.
 */
export function MfaEnrolment({ onEnrolled, onStarted }: { onEnrolled(): void; onStarted(): void }) {
  const { request } = useApi();
  const [stage, setStage] = useState<Stage>({ name: 'idle' });
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    run(async () => {
      onStarted();
      setCode('');
      setStage({ name: 'scanning', enrolment: await request<Enrolment>('POST', '/api/users/me/mfa/totp') });
    });
  const confirm = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      const answer = await request<{ recovery_codes: string[] }>('POST', '/api/users/me/mfa/totp/confirm', {
        body: { code: code.trim() },
      });
      setStage({ name: 'codes', codes: answer.recovery_codes });
    });
  };

  if (stage.name === 'codes') {
    return (
      <div class="recovery">
        <p class="problem" role="alert">
          Save these recovery codes now, somewhere other than this device: they are shown only this once. Each one signs
          you in once instead of a code from the app, if you lose it.
        </p>
        <ol class="recovery-codes" aria-label="Recovery codes">
          {stage.codes.map((recovery) => (
            <li key={recovery}>
              <code>{recovery}</code>
            </li>
          ))}
        </ol>
        <button type="button" onClick={onEnrolled}>
          I have saved my recovery codes
        </button>
      </div>
    );
  }
  if (stage.name === 'idle') {
    return (
      <>
        <p>
          Off: signing in asks for your password only. With an authenticator app (for example on your phone), it also
          asks for a 6-digit code that changes every 30 seconds.
        </p>
        <button type="button" onClick={() => void start()} disabled={busy}>
          Set up authenticator app
        </button>
        <ProblemAlert error={error} />
      </>
    );
  }
  const { enrolment } = stage;
  return (
    <div class="enrol">
      <ol class="enrol-steps">
        <li>
          Scan this QR code with your authenticator app.
          <QrImage text={enrolment.otpauth_uri} />
        </li>
        <li>
          Or type this key into the app (time-based, 6 digits, 30 seconds):
          <code class="totp-secret" aria-label="Secret key">
            {grouped(enrolment.secret)}
          </code>
        </li>
        <li>
          <form class="mfa-confirm" aria-label="Confirm the authenticator" onSubmit={confirm}>
            <label>
              Authentication code
              <input
                required
                inputMode="numeric"
                autocomplete="one-time-code"
                minLength={6}
                maxLength={8}
                value={code}
                onInput={(event) => setCode(event.currentTarget.value)}
              />
            </label>
            <button type="submit" disabled={busy}>
              Confirm
            </button>
            <button type="button" onClick={() => void start()} disabled={busy}>
              New key
            </button>
          </form>
        </li>
      </ol>
      <ProblemAlert error={error} />
    </div>
  );
}

/** The QR code is drawn here (qr-svg.ts, loaded only on this page): the secret never leaves the browser for a QR service. */
function QrImage({ text }: { text: string }) {
  const [src, setSrc] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setSrc(undefined);
    import('../qr-svg')
      .then(({ qrSvgDataUrl }) => live && setSrc(qrSvgDataUrl(text)))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [text]);
  if (failed)
    return (
      <p class="problem" role="alert">
        The QR code could not be drawn: type the key below instead.
      </p>
    );
  return src === undefined ? (
    <p class="qr-placeholder" aria-busy="true">
      Drawing the QR code…
    </p>
  ) : (
    <img class="qr" src={src} alt="QR code for your authenticator app" width={220} height={220} />
  );
}
