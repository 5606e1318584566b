// Seed files and account dumps (docs/sandbox.md, fixtures/accounts/): the entities batch jobs
// cannot create (labels, feeds) and any starting state of an account, written as AdWords schema
// elements:
//
//   <accounts xmlns="https://adwords.google.com/api/adwords/cm/v201809"
//             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
//     <account customerId="123-456-7890">
//       <Label xsi:type="TextLabel"><id>2870001</id><name>Seeded</name></Label>
//       <Feed><id>51230001</id><name>Products</name><attributes>...</attributes></Feed>
//       <Budget>...</Budget> <Campaign>...</Campaign> ...
//     </account>
//   </accounts>
//
// (a lone <account> root is accepted too). Element names are the Operand choice names (plus
// Feed); children are parsed like uploads, by local name, typed by xsi:type or the schema.
// Every entity carries its real id; seeding replaces entities with the same key and makes the
// id sequences continue above the seeded ids. Thread-safe as far as the Db is (own Txn).
#pragma once

#include <string>
#include <string_view>

#include "common/sqlite.hpp"
#include "common/status.hpp"

namespace bg::backend::sandbox {

// Loads one seed file in one transaction; returns the number of entities stored.
Result<int> SeedFile(sqlite::Db& db, const std::string& path);
Result<int> SeedText(sqlite::Db& db, std::string_view xml, const std::string& source);
// The account as a seed document (schema order; loadable by SeedText). NotFound when the
// customer has no sandbox entities.
Result<std::string> DumpAccount(sqlite::Db& db, const std::string& customer_id,
                                std::string_view version = "v201809");

}  // namespace bg::backend::sandbox
