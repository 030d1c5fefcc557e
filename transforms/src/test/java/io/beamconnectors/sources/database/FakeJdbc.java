package io.beamconnectors.sources.database;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.function.BinaryOperator;

/**
 * Fakes (named so) for the unit tests of dialects, where no Oracle or SQL Server can run: a
 * {@link Statement} whose only working method is {@code enquoteIdentifier} (given the driver's own
 * quoting, or the JDBC default), and a one-column {@link ResultSet} holding one value, so a
 * dialect's type dispatch can be tested without a server. Nothing here talks to a database.
 */
public final class FakeJdbc {
  private FakeJdbc() {}

  /** A statement quoting with {@code quoting(identifier, alwaysQuote)}; null: the JDBC interface's default method. */
  public static Statement quoter(BinaryOperator<Object> quoting) {
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "enquoteIdentifier":
          return quoting == null ? InvocationHandler.invokeDefault(proxy, method, args) : quoting.apply(args[0], args[1]);
        case "close":
          return null;
        default:
          throw new UnsupportedOperationException("fake statement: " + method.getName());
      }
    };
    return (Statement) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {Statement.class}, h);
  }

  /** A result set positioned on a row whose column 1 holds {@code value}, declared with {@code precision} and {@code scale}. */
  public static ResultSet row(Object value, int precision, int scale) {
    ResultSetMetaData md = (ResultSetMetaData) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(),
        new Class<?>[] {ResultSetMetaData.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "getPrecision":
              return precision;
            case "getScale":
              return scale;
            default:
              throw new UnsupportedOperationException("fake metadata: " + method.getName());
          }
        });
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "wasNull":
          return value == null;
        case "getMetaData":
          return md;
        case "getObject":
          return args.length == 2 && value != null ? ((Class<?>) args[1]).cast(value) : value;
        case "getString":
          return value == null ? null : value.toString();
        case "getBigDecimal":
          return (BigDecimal) value;
        case "getLong":
          return value == null ? 0L : ((Number) value).longValue();
        case "getFloat":
          return value == null ? 0f : ((Number) value).floatValue();
        case "getDouble":
          return value == null ? 0d : ((Number) value).doubleValue();
        case "getBoolean":
          return value != null && (Boolean) value;
        case "getBinaryStream":
          return value == null ? null : new ByteArrayInputStream((byte[]) value);
        case "getCharacterStream":
          return value == null ? null : new StringReader((String) value);
        default:
          throw new UnsupportedOperationException("fake result set: " + method.getName());
      }
    };
    return (ResultSet) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {ResultSet.class}, h);
  }
}
