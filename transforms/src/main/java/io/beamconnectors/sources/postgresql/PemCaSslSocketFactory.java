package io.beamconnectors.sources.postgresql;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * pgJDBC's {@code sslfactory}: TLS sockets that trust exactly the CA certificates of the
 * configured {@code ssl_ca} PEM text, handed over in memory through the connection property
 * {@link #CA_PROPERTY}. No file is written, so no other user or process can read, swap or pre-plant
 * the CA. The server name is checked by pgJDBC itself ({@code sslmode=verify-full}).
 */
public final class PemCaSslSocketFactory extends SSLSocketFactory {
  /** The connection property carrying the PEM text. */
  public static final String CA_PROPERTY = "beamconnectors.ssl_ca";

  private final SSLSocketFactory delegate;

  /** Called by pgJDBC with the connection's properties. */
  public PemCaSslSocketFactory(Properties info) throws GeneralSecurityException, IOException {
    String pem = info.getProperty(CA_PROPERTY);
    if (pem == null || pem.isBlank()) {
      throw new GeneralSecurityException("no CA certificate given (ssl_ca is empty)");
    }
    this.delegate = context(pem).getSocketFactory();
  }

  static SSLContext context(String pem) throws GeneralSecurityException, IOException {
    return context(trustManagers(pem));
  }

  static TrustManagerFactory trustManagers(String pem) throws GeneralSecurityException, IOException {
    Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(PemText.normalize(pem).getBytes(StandardCharsets.US_ASCII)));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("ssl_ca holds no certificate: paste the PEM text of the CA");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static SSLContext context(TrustManagerFactory tmf) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return delegate.createSocket(s, host, port, autoClose);
  }

  @Override
  public Socket createSocket() throws IOException {
    return delegate.createSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return delegate.createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return delegate.createSocket(address, port, localAddress, localPort);
  }
}
