//! Claim codes: what a person who sent a work at a library desk takes home to follow it and,
//! later, to make it theirs. Twelve characters of Crockford's base32 (60 random bits: not
//! guessable, with lookups rate-limited) in groups of four, and Crockford's check symbol, so
//! a mistyped code is told from an unknown one without asking the database. Read back
//! leniently: case, spaces and dashes do not matter, and O, I and L read as 0, 1 and 1.

use super::DomainError;

/// Crockford's base32 digits, in value order.
const DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Check symbols: the digits, then five more for the values 32-36.
const CHECKS: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
/// Data characters of a code.
const LENGTH: usize = 12;

/// A well-formed claim code, as stored: twelve digits and the check symbol, no dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCode(String);

impl ClaimCode {
    /// The code of 60 random bits (the rest of `bits` is ignored).
    pub fn from_bits(bits: u64) -> Self {
        let value = bits & ((1 << 60) - 1);
        let mut out = String::with_capacity(LENGTH + 1);
        for i in (0..LENGTH).rev() {
            out.push(DIGITS[((value >> (i * 5)) & 31) as usize] as char);
        }
        out.push(CHECKS[(value % 37) as usize] as char);
        Self(out)
    }

    /// Reads a code as a person typed it, or says what is wrong with it.
    pub fn parse(typed: &str) -> Result<Self, DomainError> {
        let mut value: u64 = 0;
        let mut digits = 0;
        let mut check = None;
        for c in typed.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if check.is_some() {
                return Err(DomainError::new("claim_code_malformed"));
            }
            if digits == LENGTH {
                check = Some(CHECKS.iter().position(|&s| s as char == c).ok_or_else(|| DomainError::new("claim_code_malformed"))?);
                continue;
            }
            let digit = DIGITS.iter().position(|&d| d as char == c).ok_or_else(|| DomainError::new("claim_code_malformed"))?;
            value = (value << 5) | digit as u64;
            digits += 1;
        }
        match check {
            Some(check) if check as u64 == value % 37 => Ok(Self::from_bits(value)),
            Some(_) => Err(DomainError::new("claim_code_mistyped")),
            None => Err(DomainError::new("claim_code_malformed")),
        }
    }

    /// As stored and in links: `7K3MQ9XW2BTR5`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed and read aloud: `7K3M-Q9XW-2BTR-5`.
    pub fn grouped(&self) -> String {
        let s = &self.0;
        format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        for bits in [0u64, 1, 36, 37, (1 << 60) - 1, 0x0123_4567_89AB_CDEF] {
            let code = ClaimCode::from_bits(bits);
            assert_eq!(code.as_str().len(), 13);
            assert_eq!(ClaimCode::parse(code.as_str()).unwrap(), code);
            assert_eq!(ClaimCode::parse(&code.grouped()).unwrap(), code);
            assert_eq!(ClaimCode::parse(&code.grouped().to_lowercase().replace('-', " ")).unwrap(), code);
        }
        let code = ClaimCode::from_bits(0);
        assert_eq!(code.grouped(), "0000-0000-0000-0");
        assert_eq!(ClaimCode::parse("oooo-OOOO-0000 o").unwrap(), code, "O reads as zero");
    }

    #[test]
    fn a_mistyped_code_is_told_from_a_malformed_one() {
        let code = ClaimCode::from_bits(0x0ABC_DEF0_1234_5678).grouped();
        // One digit changed: the check symbol no longer matches.
        let mut typo: Vec<char> = code.chars().collect();
        typo[1] = if typo[1] == '2' { '3' } else { '2' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(ClaimCode::parse(&typo).unwrap_err().code, "claim_code_mistyped");
        // Two digits swapped: also caught (37 is prime and larger than the alphabet).
        let s: Vec<char> = code.replace('-', "").chars().collect();
        let mut swapped = s.clone();
        swapped.swap(2, 3);
        if swapped != s {
            assert_eq!(ClaimCode::parse(&swapped.into_iter().collect::<String>()).unwrap_err().code, "claim_code_mistyped");
        }
        for bad in ["", "ABCD", "ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN-PQ", "ABCD-EFGH-JKMU-P", "ABCD!EFGH-JKMN-P"] {
            assert_eq!(ClaimCode::parse(bad).unwrap_err().code, "claim_code_malformed", "{bad}");
        }
    }
}
