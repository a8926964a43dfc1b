/**
 * CA certificates the host trusts beyond a Debian rootfs's own bundle (for instance a TLS-
 * inspecting proxy's). pip and apt inside our image builds must trust them too, or every HTTPS
 * fetch from PyPI fails with CERTIFICATE_VERIFY_FAILED where the host's own pip works.
 */
import * as fs from 'node:fs';

/** The host's CA bundle: $HARNESS_CA_BUNDLE, else pip's / OpenSSL's configured bundle, else Debian's. */
export function hostCaBundlePath(): string | undefined {
  const candidates = [
    process.env.HARNESS_CA_BUNDLE,
    process.env.PIP_CERT,
    process.env.SSL_CERT_FILE,
    process.env.REQUESTS_CA_BUNDLE,
    '/etc/ssl/certs/ca-certificates.crt',
  ];
  return candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
}

/** PEM certificate blocks of a bundle, normalised (trimmed, LF line ends). */
export function pemCertificates(bundle: string): string[] {
  const blocks = bundle.replace(/\r\n/g, '\n').match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?\n-----END CERTIFICATE-----/g);
  return (blocks ?? []).map((block) => block.trim());
}

/** Certificates in `host` that `image` does not already carry, in the host bundle's order. */
export function extraCertificates(host: string, image: string): string[] {
  const known = new Set(pemCertificates(image).map(withoutWhitespace));
  const seen = new Set<string>();
  return pemCertificates(host).filter((pem) => {
    const key = withoutWhitespace(pem);
    if (known.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function withoutWhitespace(pem: string): string {
  return pem.replace(/\s+/g, '');
}
