"""Reading PFOCR sources: finding figure files, parsing both layouts into
`FigureRecord`s, deciding which file keeps a figid, and telling what changed
since an index last saw them.  Nothing here knows about Whoosh."""
