package io.beamconnectors.sources.mssql;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;

/**
 * The trust manager mssql-jdbc is given ({@code trustManagerClass}, built from
 * {@code trustManagerConstructorArg}): it verifies the server's chain against exactly the CA of
 * {@code ssl_ca} (in memory, no file written), or against the JVM's trust store when there is none,
 * and, when {@code validate_host} is on, that the certificate names the configured host. The
 * driver does no host check of its own once a trust manager class is given.
 *
 * <p>The constructor argument is {@link #argument}: a first line {@code host:<name>} or
 * {@code no-host-check}, then the PEM text (possibly empty).
 */
public final class MssqlTrustManager implements X509TrustManager {
  static final String NO_HOST_CHECK = "no-host-check";
  static final String HOST_PREFIX = "host:";

  private final X509TrustManager chain;
  private final String host;

  public MssqlTrustManager(String argument) throws GeneralSecurityException {
    int newline = argument.indexOf('\n');
    String first = newline < 0 ? argument : argument.substring(0, newline);
    String pem = newline < 0 ? "" : argument.substring(newline + 1);
    this.host = first.startsWith(HOST_PREFIX) ? first.substring(HOST_PREFIX.length()) : null;
    this.chain = chainTrustManager(pem);
  }

  static String argument(String host, boolean validateHost, String pem) {
    return (validateHost ? HOST_PREFIX + host : NO_HOST_CHECK) + "\n" + (pem == null ? "" : pem);
  }

  static X509TrustManager chainTrustManager(String pem) throws GeneralSecurityException {
    KeyStore store = null;
    if (!pem.isBlank()) {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pemLines(pem).getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        throw new GeneralSecurityException("ssl_ca holds no certificate");
      }
      try {
        store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException(e);
      }
      int i = 0;
      for (java.security.cert.Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store); // null: the JVM's trust store
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** PEM pasted as one line (as the reference allows) re-wrapped with line breaks. */
  static String pemLines(String text) {
    String t = text.trim();
    if (t.contains("\n")) {
      return t + "\n";
    }
    String begin = "-----BEGIN CERTIFICATE-----";
    String end = "-----END CERTIFICATE-----";
    String body = t.replace(begin, "").replace(end, "").replaceAll("\\s+", "");
    StringBuilder sb = new StringBuilder(begin).append('\n');
    for (int i = 0; i < body.length(); i += 64) {
      sb.append(body, i, Math.min(body.length(), i + 64)).append('\n');
    }
    return sb.append(end).append('\n').toString();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    chain.checkServerTrusted(certs, authType);
    if (host != null) {
      try {
        new DefaultHostnameVerifier().verify(host, certs[0]);
      } catch (SSLException e) {
        throw new CertificateException("the server certificate does not name host " + host
            + " (validate_host is on): " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    throw new CertificateException("client certificates are not checked here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chain.getAcceptedIssuers();
  }
}
