package io.beamconnectors.sources.database;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * Fakes (named so) for the unit tests of dialects, where no Oracle or SQL Server can run: a
 * {@link Statement} whose only working method is {@code enquoteIdentifier} (given the driver's own
 * quoting, or the JDBC default), a one-column {@link ResultSet} holding one value, so a dialect's
 * type dispatch can be tested without a server, and a {@link Connection} that answers fixed rows to
 * given queries and records the parameters set on them. Nothing here talks to a database.
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

  /**
   * A connection whose {@code prepareStatement(sql)} answers the rows {@code answers.get(sql)} (a
   * query it was not given fails), whose statements quote with {@code quoting} (see
   * {@link #quoter}), and which appends each parameter set to {@code calls} as
   * {@code setLong(1, 5)}, {@code setObject(2, 2024-03-01T10:15:30)}...
   */
  public static Connection connection(Map<String, List<List<Object>>> answers, BinaryOperator<Object> quoting,
      List<String> calls) {
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "prepareStatement":
          List<List<Object>> rows = answers.get((String) args[0]);
          if (rows == null) {
            throw new UnsupportedOperationException("fake connection was not given the query " + args[0]);
          }
          return preparedStatement(rows, calls);
        case "createStatement":
          return quoter(quoting);
        case "close":
          return null;
        default:
          throw new UnsupportedOperationException("fake connection: " + method.getName());
      }
    };
    return (Connection) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  /** A prepared statement (fake) that records the parameters set on it into {@code calls} and answers {@code rows}. */
  public static PreparedStatement preparedStatement(List<List<Object>> rows, List<String> calls) {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      if (name.startsWith("set") && args != null && args.length == 2 && args[0] instanceof Integer) {
        Object v = args[1] instanceof byte[] b ? "bytes" + Arrays.toString(b) : args[1];
        calls.add(name + "(" + args[0] + ", " + v + ")");
        return null;
      }
      switch (name) {
        case "executeQuery":
          return rows(rows);
        case "close":
          return null;
        default:
          throw new UnsupportedOperationException("fake prepared statement: " + name);
      }
    };
    return (PreparedStatement) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, h);
  }

  /** A forward-only result set (fake) over {@code rows}; getters return the values as given (getString: toString). */
  public static ResultSet rows(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    int[] at = {-1};
    Object[] last = {null};
    InvocationHandler h = (proxy, method, args) -> {
      switch (method.getName()) {
        case "next":
          return ++at[0] < copy.size();
        case "close":
          return null;
        case "wasNull":
          return last[0] == null;
        default:
          break;
      }
      Object value = copy.get(at[0]).get((Integer) args[0] - 1);
      last[0] = value;
      switch (method.getName()) {
        case "getString":
        case "getNString":
          return value == null ? null : value.toString();
        case "getObject":
          return args.length == 2 && value != null ? ((Class<?>) args[1]).cast(value) : value;
        case "getLong":
          return value == null ? 0L : ((Number) value).longValue();
        case "getInt":
          return value == null ? 0 : ((Number) value).intValue();
        case "getBigDecimal":
          return (BigDecimal) value;
        case "getBytes":
          return (byte[]) value;
        default:
          throw new UnsupportedOperationException("fake result set: " + method.getName());
      }
    };
    return (ResultSet) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[] {ResultSet.class}, h);
  }
}
