import Foundation
import Logging
import RosterAPI
import RosterCore
import RosterService

/// A small, believable data set for a first look (`roster serve --demo`). Seeds once: a second run
/// finds the tenants and leaves them as they are.
enum DemoData {
    static func seed(_ services: Services, logger: Logger) async throws {
        let context = OperationContext.system("demo")
        if (try? await services.tenants.get("acme", context: context)) != nil {
            logger.info("demo data already present")
            return
        }
        // Through the provisioning workflow, as a real tenant: an admin, and a customer record in the management tenant.
        let acme = try await services.provisioning.provision(ProvisioningRequest(
            slug: "acme", name: "Acme Farming Ltd", settings: TenantSettings(defaultCallingCode: "44"),
            admin: Provisioning.Admin(firstName: "Ada", lastName: "Lovelace", email: "ada@acme.example")), context: context).result.tenant
        _ = try await services.provisioning.provision(ProvisioningRequest(
            slug: "globex", name: "Globex Seeds Inc", settings: TenantSettings(defaultCallingCode: "1"),
            admin: Provisioning.Admin(firstName: "Grace", lastName: "Hopper", email: "grace@globex.example")), context: context).result.tenant

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
        var created: [Party] = []
        for input in parties {
            created.append(try await services.parties.create(tenant: acme.slug, input, context: context))
        }
        let partner = created[0], alice = created[2], bob = created[3], dev = created[5]

        // A partner with its customers and the accounts it holds for them (seed 000).
        for customer in [alice, bob, dev] {
            _ = try await services.relationships.create(
                tenant: acme.slug, RelationshipInput(parentID: partner.id, childID: customer.id, type: "partnership", role: "customer"),
                context: context)
        }
        for (customer, username) in [(alice, "gvg-alice"), (bob, "gvg-bob")] {
            _ = try await services.partnerAccounts.create(
                tenant: acme.slug, PartnerAccountInput(partnerID: partner.id, customerID: customer.id, username: username,
                                                       secret: SecretBox.generateKeyBase64()), context: context)
        }

        // A four-level organization: group → regions → farms → planters.
        func org(_ name: String) async throws -> Party {
            try await services.parties.create(tenant: acme.slug, PartyInput(kind: .organization, name: name), context: context)
        }
        func link(_ parent: Party, _ child: Party, _ role: String) async throws {
            _ = try await services.relationships.create(
                tenant: acme.slug, RelationshipInput(parentID: parent.id, childID: child.id, type: "structure", role: role), context: context)
        }
        let group = try await org("Acme Farming Group")
        var planters = 0
        for (regionName, farms) in [("North Region", ["Hill Farm", "Moor Farm"]), ("South Region", ["Valley Farm", "Coastal Farm"])] {
            let region = try await org(regionName)
            try await link(group, region, "region")
            for farmName in farms {
                let farm = try await org(farmName)
                try await link(region, farm, "farm")
                for first in ["Gwen", "Hari"] {
                    planters += 1
                    let planter = try await services.parties.create(tenant: acme.slug, PartyInput(
                        kind: .person, firstName: first, lastName: "\(farmName.split(separator: " ")[0])field",
                        phone: "07700 90\(String(format: "%04d", 1000 + planters))", roles: ["planter"]), context: context)
                    try await link(farm, planter, "planter")
                }
                if farmName == "Hill Farm" {
                    _ = try await services.tags.attach(tenant: acme.slug, party: farm.id, text: "Organic", context: context)
                }
            }
        }
        _ = try await services.tags.attach(tenant: acme.slug, party: alice.id, text: "VIP", context: context)
        _ = try await services.tags.attach(tenant: acme.slug, party: partner.id, text: "Key Partner", color: "#1d4ed8", context: context)
        logger.info("demo data seeded", metadata: [
            "tenants": "acme, globex", "parties": "\(parties.count + 7 + planters)", "hierarchy root": "\(group.id)",
        ])
    }
}
