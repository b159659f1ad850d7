import Logging
import RosterAPI
import RosterCore
import RosterService

/// A small, believable data set for a first look (`roster serve --demo`). Seeds once: a second run
/// finds the tenants and leaves them as they are.
enum DemoData {
    static func seed(_ services: Services, logger: Logger) async throws {
        let context = OperationContext.system("demo")
        if (try? await services.tenants.get("acme")) != nil {
            logger.info("demo data already present")
            return
        }
        let acme = try await services.tenants.create(
            slug: "acme", name: "Acme Farming Ltd", settings: TenantSettings(defaultCallingCode: "44"), context: context)
        _ = try await services.tenants.create(
            slug: "globex", name: "Globex Seeds Inc", settings: TenantSettings(defaultCallingCode: "1"), context: context)

        let parties: [PartyInput] = [
            PartyInput(kind: .organization, name: "Green Valley Growers", email: "info@greenvalley.example",
                       phone: "020 7946 0958", website: "www.greenvalley.example", roles: ["partner"]),
            PartyInput(kind: .organization, name: "Riverside Dealers", phone: "+44 161 496 0000", website: "riverside.example",
                       roles: ["dealer"]),
            PartyInput(kind: .person, firstName: "Alice", lastName: "Archer", email: "alice@greenvalley.example",
                       phone: "07700 900123", customerType: .regular, roles: ["customer"]),
            PartyInput(kind: .person, firstName: "Bob", lastName: "Baker", email: "bob.baker@example.com",
                       phone: "+44 7700 900456", customerType: .regular, roles: ["customer"]),
            PartyInput(kind: .person, firstName: "Carol", lastName: "Chen", email: "carol@example.org",
                       customerType: .unregistered),
            PartyInput(kind: .person, firstName: "Dev", lastName: "Patel", phone: "0044 7700 900789", customerType: .new),
            PartyInput(kind: .person, firstName: "Walk-in", lastName: "Customer", customerType: .anonymous),
            PartyInput(kind: .person, firstName: "Erin", lastName: "Evans", email: "erin@riverside.example",
                       phone: "07700 900321", note: "Planter, north fields", roles: ["planter"],
                       properties: ["hectares": .double(42.5), "crop": .string("wheat")]),
            PartyInput(kind: .person, firstName: "Frank", lastName: "Foster", email: "frank@riverside.example",
                       roles: ["contact"]),
        ]
        for input in parties {
            _ = try await services.parties.create(tenant: acme.slug, input, context: context)
        }
        logger.info("demo data seeded", metadata: ["tenants": "acme, globex", "parties": "\(parties.count)"])
    }
}
