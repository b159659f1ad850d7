public import Foundation

/// A directed edge parent → child in one hierarchy (`type`), with the child's `role` towards the parent.
public struct Relationship: Hashable, Sendable, Identifiable, Codable {
    public typealias ID = Identifier<Relationship>

    public var id: ID
    public var tenantID: Tenant.ID
    public var parentID: Party.ID
    public var childID: Party.ID
    public var type: String
    public var role: String?
    public var validFrom: Date?
    public var validTo: Date?
    public var createdAt: Date

    public init(id: ID, tenantID: Tenant.ID, parentID: Party.ID, childID: Party.ID, type: String, role: String?,
                validFrom: Date? = nil, validTo: Date? = nil, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.parentID = parentID
        self.childID = childID
        self.type = type
        self.role = role
        self.validFrom = validFrom
        self.validTo = validTo
        self.createdAt = createdAt
    }

    /// The party at the other end of the edge from `party`: the parent of a child, the child of a parent.
    public func otherEnd(from party: Party.ID) -> Party.ID { parentID == party ? childID : parentID }

    /// The hierarchy of partners and their customers (seed 000): the parent must have the role `partner`.
    public static let partnership = "partnership"
    /// Persons working for an organization; used by auto-linking and tenant tracking.
    public static let employment = "employment"

    /// Types and roles: lower-case words of letters, digits, spaces, `-` and `_`, 1 to 50 characters.
    public static func validateLabel(_ raw: String, field: String) throws -> String {
        let label = raw.trimmingWhitespace().lowercased()
        let ok = (1...50).contains(label.count) && label.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ($0 >= "0" && $0 <= "9") || $0 == " " || $0 == "-" || $0 == "_"
        }
        guard ok else { throw RosterError.invalid(field, "must be 1 to 50 letters, digits, spaces, - or _") }
        return label
    }
}

/// A party found in a hierarchy, with its distance from the party asked about.
public struct HierarchyEntry: Hashable, Sendable {
    public var party: Party
    public var depth: Int
    /// For direct children: the edge's role and type.
    public var role: String?
    public var type: String?
    /// In an answer that includes edges outside their window (`includeInactive`): whether the party is also in the
    /// answer without them (reached over edges in force); `nil` in other answers.
    public var active: Bool?

    public init(party: Party, depth: Int, role: String? = nil, type: String? = nil, active: Bool? = nil) {
        self.party = party
        self.depth = depth
        self.role = role
        self.type = type
        self.active = active
    }
}

public struct Tag: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Tag>

    public var id: ID
    public var tenantID: Tenant.ID
    public var text: String
    public var color: String
    public var createdAt: Date

    public init(id: ID, tenantID: Tenant.ID, text: String, color: String, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.text = text
        self.color = color
        self.createdAt = createdAt
    }

    public static func validateText(_ raw: String, field: String = "text") throws -> String {
        guard let text = try Text.optional(raw, field: field, max: 100) else { throw RosterError.invalid(field, "must not be empty") }
        return text
    }

    /// `#rrggbb`, lower-cased.
    public static func validateColor(_ raw: String, field: String = "color") throws -> String {
        let color = raw.trimmingWhitespace().lowercased()
        guard color.count == 7, color.hasPrefix("#"), color.dropFirst().allSatisfy(\.isHexDigit) else {
            throw RosterError.invalid(field, "must be a colour as #rrggbb")
        }
        return color
    }

    /// A colour derived from the text alone (the same text always gets the same colour), dark enough
    /// that white text on it and it as text on white both reach a 4.5:1 contrast (WCAG AA).
    public static func derivedColor(for text: String) -> String {
        // FNV-1a over the lower-cased text: stable across processes, unlike Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.lowercased().utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hue = Double(hash % 360)
        let saturation = 0.55 + Double((hash >> 16) % 20) / 100
        var lightness = 0.40
        var rgb = hsl(hue, saturation, lightness)
        while contrastOnWhite(rgb) < 4.6, lightness > 0.05 {
            lightness -= 0.02
            rgb = hsl(hue, saturation, lightness)
        }
        return String(format: "#%02x%02x%02x", rgb.0, rgb.1, rgb.2)
    }

    static func hsl(_ h: Double, _ s: Double, _ l: Double) -> (Int, Int, Int) {
        let c = (1 - abs(2 * l - 1)) * s
        let x = c * (1 - abs((h / 60).truncatingRemainder(dividingBy: 2) - 1))
        let m = l - c / 2
        let (r, g, b): (Double, Double, Double)
        switch h {
        case ..<60: (r, g, b) = (c, x, 0)
        case ..<120: (r, g, b) = (x, c, 0)
        case ..<180: (r, g, b) = (0, c, x)
        case ..<240: (r, g, b) = (0, x, c)
        case ..<300: (r, g, b) = (x, 0, c)
        default: (r, g, b) = (c, 0, x)
        }
        return (Int(((r + m) * 255).rounded()), Int(((g + m) * 255).rounded()), Int(((b + m) * 255).rounded()))
    }

    /// WCAG contrast ratio of a colour against white.
    public static func contrastOnWhite(_ rgb: (Int, Int, Int)) -> Double {
        func channel(_ v: Int) -> Double {
            let c = Double(v) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * channel(rgb.0) + 0.7152 * channel(rgb.1) + 0.0722 * channel(rgb.2)
        return 1.05 / (luminance + 0.05)
    }

    public static func contrastOnWhite(hex: String) -> Double? {
        guard hex.count == 7, let value = Int(hex.dropFirst(), radix: 16) else { return nil }
        return contrastOnWhite(((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff))
    }
}

/// A tag with the number of live parties carrying it.
public struct TagUsage: Hashable, Sendable {
    public var tag: Tag
    public var usage: Int

    public init(tag: Tag, usage: Int) {
        self.tag = tag
        self.usage = usage
    }
}

/// Credentials in a partner's system held for one customer (seed 000 PartnerSystemUser).
/// The secret is kept encrypted; this value never carries it.
public struct PartnerAccount: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<PartnerAccount>

    public var id: ID
    public var tenantID: Tenant.ID
    public var partnerID: Party.ID
    public var customerID: Party.ID
    public var username: String
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Moves on with every change (the `ETag`; `If-Match` names it).
    public var version: Int

    public init(id: ID, tenantID: Tenant.ID, partnerID: Party.ID, customerID: Party.ID, username: String, active: Bool,
                createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.version = version
        self.id = id
        self.tenantID = tenantID
        self.partnerID = partnerID
        self.customerID = customerID
        self.username = username
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What is kept of a deleted partner account: the parties it joined, so that its audit entries stay in their exports.
public struct RemovedPartnerAccount: Hashable, Sendable {
    public var id: PartnerAccount.ID
    public var partnerID: Party.ID
    public var customerID: Party.ID

    public init(id: PartnerAccount.ID, partnerID: Party.ID, customerID: Party.ID) {
        self.id = id
        self.partnerID = partnerID
        self.customerID = customerID
    }
}
