//! Graph's `Edm.Stream` properties: media, described by annotations.

use serde::de::MapAccess;
use serde::ser::SerializeMap;

/// Where the bytes of a stream property are (Graph's `Edm.Stream`, e.g. a
/// `driveItem`'s `content` or a `bookingBusiness`'s `logo`).
///
/// A stream is media, not JSON: its bytes never come inline. An object
/// describes one with annotations beside where the property would be,
/// `content@odata.mediaReadLink` and the like, and often with none at all:
/// then the bytes are at the object's URL followed by `/content`. This holds
/// what the annotations said; the bytes themselves are fetched with a
/// request of their own.
///
/// A model reads the four annotations into this and writes back those that
/// are set, so a read-modify-write keeps them; they are set by the server,
/// so `clear_server_set()` drops them. A JSON member named like the property
/// itself (OData 4.01 allows a stream inline) is kept in `additional_data`.
///
/// ```
/// use graph_codegen_runtime::MediaLink;
///
/// let photo = MediaLink {
///     read_link: Some("https://graph.microsoft.com/v1.0/me/photo/$value".into()),
///     content_type: Some("image/jpeg".into()),
///     ..MediaLink::default()
/// };
/// assert_eq!(photo.read_url(), photo.read_link.as_deref());
/// assert!(MediaLink::default().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MediaLink {
    /// `@odata.mediaReadLink`: where to `GET` the bytes.
    pub read_link: Option<String>,
    /// `@odata.mediaEditLink`: where to `PUT` new bytes.
    pub edit_link: Option<String>,
    /// `@odata.mediaContentType`: the bytes' media type, e.g. `image/png`.
    pub content_type: Option<String>,
    /// `@odata.mediaEtag`: the bytes' ETag, for `If-Match` when replacing them.
    pub etag: Option<String>,
}

impl MediaLink {
    /// Whether no annotation is set.
    pub fn is_empty(&self) -> bool {
        MediaAnnotation::ALL.iter().all(|annotation| self.get(*annotation).is_none())
    }

    /// Where to read the bytes: the read link, else the edit link (OData: a
    /// missing read link is the edit link).
    pub fn read_url(&self) -> Option<&str> {
        self.read_link.as_deref().or(self.edit_link.as_deref())
    }

    /// The value of one annotation.
    pub fn get(&self, annotation: MediaAnnotation) -> Option<&str> {
        match annotation {
            MediaAnnotation::ReadLink => self.read_link.as_deref(),
            MediaAnnotation::EditLink => self.edit_link.as_deref(),
            MediaAnnotation::ContentType => self.content_type.as_deref(),
            MediaAnnotation::Etag => self.etag.as_deref(),
        }
    }

    fn slot(&mut self, annotation: MediaAnnotation) -> &mut Option<String> {
        match annotation {
            MediaAnnotation::ReadLink => &mut self.read_link,
            MediaAnnotation::EditLink => &mut self.edit_link,
            MediaAnnotation::ContentType => &mut self.content_type,
            MediaAnnotation::Etag => &mut self.etag,
        }
    }
}

/// One of the annotations that describe a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaAnnotation {
    /// `@odata.mediaReadLink`
    ReadLink,
    /// `@odata.mediaEditLink`
    EditLink,
    /// `@odata.mediaContentType`
    ContentType,
    /// `@odata.mediaEtag`
    Etag,
}

impl MediaAnnotation {
    /// Every annotation, in the order a model writes them.
    pub const ALL: [Self; 4] = [Self::ReadLink, Self::EditLink, Self::ContentType, Self::Etag];

    /// What follows the property name in the member's key, e.g. `@odata.mediaReadLink`.
    pub const fn suffix(self) -> &'static str {
        match self {
            Self::ReadLink => "@odata.mediaReadLink",
            Self::EditLink => "@odata.mediaEditLink",
            Self::ContentType => "@odata.mediaContentType",
            Self::Etag => "@odata.mediaEtag",
        }
    }

    /// Splits a member key such as `content@odata.mediaReadLink` into the
    /// property name and the annotation; `None` for any other key.
    pub fn split(key: &str) -> Option<(&str, Self)> {
        Self::ALL.into_iter().find_map(|annotation| Some((key.strip_suffix(annotation.suffix())?, annotation)))
    }
}

/// Reads one media annotation of a stream property into `media`. A `null`
/// clears it, and a link left with no annotation becomes `None`, so `null`
/// reads like an absent member.
pub(crate) fn read_media<'de, A: MapAccess<'de>>(
    map: &mut A,
    media: &mut Option<MediaLink>,
    annotation: MediaAnnotation,
) -> Result<(), A::Error> {
    match map.next_value::<Option<String>>()? {
        Some(value) => *media.get_or_insert_with(MediaLink::default).slot(annotation) = Some(value),
        None => {
            if let Some(link) = media {
                *link.slot(annotation) = None;
                if link.is_empty() {
                    *media = None;
                }
            }
        }
    }
    Ok(())
}

/// Writes the annotations of a stream property that are set, under `keys`:
/// the property's name followed by each [`MediaAnnotation::suffix`], in the
/// order of [`MediaAnnotation::ALL`].
pub(crate) fn entry_media<S: SerializeMap>(
    map: &mut S,
    keys: &[&'static str; 4],
    media: &Option<MediaLink>,
) -> Result<(), S::Error> {
    let Some(media) = media else { return Ok(()) };
    for (key, annotation) in keys.iter().zip(MediaAnnotation::ALL) {
        if let Some(value) = media.get(annotation) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_member_keys() {
        assert_eq!(MediaAnnotation::split("content@odata.mediaReadLink"), Some(("content", MediaAnnotation::ReadLink)));
        assert_eq!(MediaAnnotation::split("logo@odata.mediaEtag"), Some(("logo", MediaAnnotation::Etag)));
        assert_eq!(MediaAnnotation::split("@odata.mediaEditLink"), Some(("", MediaAnnotation::EditLink)));
        assert_eq!(MediaAnnotation::split("content@odata.type"), None);
        assert_eq!(MediaAnnotation::split("content"), None);
        for annotation in MediaAnnotation::ALL {
            let key = format!("photo{}", annotation.suffix());
            assert_eq!(MediaAnnotation::split(&key), Some(("photo", annotation)));
        }
    }

    #[test]
    fn read_url_falls_back_to_the_edit_link() {
        let link = MediaLink { edit_link: Some("edit".into()), ..MediaLink::default() };
        assert_eq!(link.read_url(), Some("edit"));
        let link = MediaLink { read_link: Some("read".into()), ..link };
        assert_eq!(link.read_url(), Some("read"));
        assert_eq!(MediaLink::default().read_url(), None);
    }
}
