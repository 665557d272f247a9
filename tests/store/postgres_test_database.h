// A fresh database on the tests' private PostgreSQL (tests/store/postgres_fixture.sh), for tests
// that need a real PostgreSQL: the store suite and the end-to-end tests with several servers.
//
//   absl::StatusOr<std::string> url = FreshPostgresDatabase("quote_store_test");
//   ASSERT_TRUE(url.ok()) << url.status();   // a missing fixture FAILS the test, never skips it
//
// ctest starts the fixture (FIXTURES_SETUP postgres), which writes its URL to a file in the build
// tree: ESTIMATOR_TEST_POSTGRES_URL_FILE names it, else the path compiled in.
#ifndef ESTIMATOR_TESTS_STORE_POSTGRES_TEST_DATABASE_H_
#define ESTIMATOR_TESTS_STORE_POSTGRES_TEST_DATABASE_H_

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace estimator {

// The fixture cluster's URL (its "postgres" database).
inline absl::StatusOr<std::string> PostgresFixtureUrl() {
  const char* file = std::getenv("ESTIMATOR_TEST_POSTGRES_URL_FILE");
#ifdef ESTIMATOR_TEST_POSTGRES_URL_FILE_DEFAULT
  // Where ctest's fixture writes it in this build tree (tests/CMakeLists.txt).
  if (file == nullptr || *file == '\0') file = ESTIMATOR_TEST_POSTGRES_URL_FILE_DEFAULT;
#endif
  if (file == nullptr || *file == '\0') {
    return absl::FailedPreconditionError(
        "ESTIMATOR_TEST_POSTGRES_URL_FILE is not set: run through ctest, which starts the private "
        "PostgreSQL (tests/store/postgres_fixture.sh)");
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string url(absl::StripAsciiWhitespace(text.str()));
  if (url.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        file, " is missing or empty: the PostgreSQL fixture did not start (see its test output)"));
  }
  return url;
}

// Drops and creates database `name` ([a-z0-9_]) and returns its URL.
inline absl::StatusOr<std::string> FreshPostgresDatabase(const std::string& name) {
  absl::StatusOr<std::string> base = PostgresFixtureUrl();
  if (!base.ok()) return base.status();
  PGconn* c = PQconnectdb(base->c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string why = PQerrorMessage(c);
    PQfinish(c);
    return absl::UnavailableError(absl::StrCat("cannot reach the test PostgreSQL: ", why));
  }
  for (const std::string& sql : {absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"),
                                 absl::StrCat("CREATE DATABASE ", name)}) {
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string why = PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) {
      PQfinish(c);
      return absl::InternalError(absl::StrCat(sql, ": ", why));
    }
  }
  PQfinish(c);
  const size_t slash = base->rfind('/');
  return absl::StrCat(base->substr(0, slash), "/", name);
}

}  // namespace estimator

#endif  // ESTIMATOR_TESTS_STORE_POSTGRES_TEST_DATABASE_H_
