"""Translations of the pages (Bahasa Indonesia by default, English) and number formatting.

A plain catalogue: key -> (Indonesian, English). Templates call ``t(key)``; the browser gets the keys
listed in ``JS_KEYS`` as JSON. Numbers are written the Indonesian way on Indonesian pages (1.234,5)
and the English way on English ones (1,234.5), here and in the browser (``Intl.NumberFormat``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

LANGS = ("id", "en")
DEFAULT_LANG = "id"
NUMBER_LOCALES = {"id": "id-ID", "en": "en-GB"}

CATALOG: dict[str, tuple[str, str]] = {
    # layout
    "site.title": ("Peta Ekonomi Indramayu", "Indramayu Economic Map"),
    "site.tagline": ("Potensi ekonomi Kabupaten Indramayu", "The economic potential of Indramayu Regency"),
    "nav.map": ("Peta", "Map"),
    "nav.investor": ("Investor", "Investors"),
    "nav.products": ("Cari Produk", "Find products"),
    "nav.planner": ("Perencana", "Planners"),
    "nav.api": ("API", "API"),
    "nav.menu": ("Menu", "Menu"),
    "lang.switch": ("English", "Bahasa Indonesia"),
    "lang.switch_label": ("Ganti bahasa", "Change language"),
    "footer.data": ("Batas wilayah: poligon sederhana Kepmendagri 300.2.2-2138/2025 "
                    "(cahyadsn/wilayah_boundaries, MIT); kode dan nama: idn-area-data (ODbL). "
                    "Sebagian angka ilustratif (lihat datasets/).",
                    "Boundaries: simplified Kepmendagri 300.2.2-2138/2025 polygons "
                    "(cahyadsn/wilayah_boundaries, MIT); codes and names: idn-area-data (ODbL). "
                    "Some figures are illustrative (see datasets/)."),
    "footer.licence": ("Kode MIT · Data ODbL", "Code MIT · Data ODbL"),
    "common.loading": ("Memuat…", "Loading…"),
    "common.error": ("Data tidak dapat dimuat. Coba lagi.", "The data could not be loaded. Please try again."),
    "common.no_data": ("Tidak ada data", "No data"),
    "common.year": ("Tahun", "Year"),
    "common.area": ("Wilayah", "Area"),
    "common.all": ("Semua", "All"),
    "common.sector": ("Sektor", "Sector"),
    "common.value": ("Nilai", "Value"),
    "common.status": ("Status", "Status"),
    "common.profile": ("Profil wilayah", "Area profile"),
    "common.download": ("Unduh", "Download"),
    "common.search": ("Cari", "Search"),
    "common.more": ("Muat lebih banyak", "Load more"),
    "common.close": ("Tutup", "Close"),
    "common.ton": ("ton", "t"),
    "common.producers": ("Produsen", "Producers"),
    "common.legend": ("Legenda", "Legend"),
    "common.map": ("Peta", "Map"),
    "common.table": ("Tabel", "Table"),
    "common.name": ("Nama", "Name"),
    "common.code": ("Kode", "Code"),
    "common.class": ("Kelas", "Class"),
    "common.production": ("Produksi", "Production"),
    "common.commodity": ("Komoditas", "Commodity"),
    "common.kind": ("Jenis", "Kind"),
    "common.level": ("Tingkat", "Level"),
    "common.approximate": ("Batas wilayah perkiraan", "Approximate boundary"),
    # map page
    "map.title": ("Peta Ekonomi", "Economic Map"),
    "map.intro": ("Pertanian, perikanan, UMKM dan peluang investasi Kabupaten Indramayu.",
                  "Agriculture, fisheries, small businesses and investment opportunities of Indramayu."),
    "map.search_placeholder": ("Cari tempat atau produk (mis. Kenanga, krupuk)",
                               "Search places or products (e.g. Kenanga, krupuk)"),
    "map.search_places": ("Tempat", "Places"),
    "map.search_products": ("Produk & produsen", "Products & producers"),
    "map.search_none": ("Tidak ditemukan", "Nothing found"),
    "layer.salt": ("Desa penghasil garam", "Salt-producing villages"),
    "layer.labels": ("Nama tempat", "Place names"),
    "layer.outline": ("Batas kabupaten dan garis pantai", "Regency outline and coast"),
    "legend.cell": ("Kelompok produsen (perbesar untuk rincian)", "Group of producers (zoom in for detail)"),
    "legend.producer": ("Satu produsen, warna per sektor KBLI", "One producer, coloured by KBLI sector"),
    "legend.tpi": ("Tempat pelelangan ikan", "Fish auction / landing site"),
    "legend.opportunity": ("Lokasi peluang investasi", "Investment opportunity site"),
    "legend.salt": ("Produksi garam (ton)", "Salt production (t)"),
    "legend.boundary": ("Garis batas", "Boundary line"),
    "popup.cell": ("{n} produsen di sekitar sini. Perbesar peta untuk melihatnya.",
                   "{n} producers around here. Zoom in to see them."),
    "popup.products": ("Produk", "Products"),
    "popup.address": ("Alamat", "Address"),
    "popup.phone": ("Telepon", "Phone"),
    "popup.population": ("Penduduk", "Population"),
    "popup.area_km2": ("Luas (km²)", "Area (km²)"),
    "popup.value_idr": ("Nilai investasi", "Investment value"),
    "popup.contact": ("Instansi kontak", "Contact agency"),
    "popup.readiness": ("Kesiapan", "Readiness"),
    "popup.irr": ("IRR", "IRR"),
    "popup.npv": ("NPV", "NPV"),
    "popup.bc_ratio": ("Rasio B/C", "B/C ratio"),
    "popup.payback": ("Periode pengembalian", "Payback period"),
    "popup.years": ("{n} tahun", "{n} years"),
    "popup.land_status": ("Status lahan", "Land status"),
    "popup.licensing": ("Informasi perizinan (OSS)", "Licensing information (OSS)"),
    "popup.open_profile": ("Buka profil wilayah", "Open area profile"),
    "control.year": ("Tahun", "Year"),
    # investor
    "investor.title": ("Portal Investor", "Investor Portal"),
    "investor.intro": ("Profil sektor unggulan, tren produksi dan peluang investasi Kabupaten Indramayu.",
                       "Leading sectors, production trends and investment opportunities of Indramayu Regency."),
    "investor.agriculture": ("Pertanian", "Agriculture"),
    "investor.agriculture_text": ("Lumbung padi terbesar Jawa Barat dan sentra mangga gedong gincu.",
                                  "West Java's largest rice producer and home of the gedong gincu mango."),
    "investor.fisheries": ("Perikanan dan garam", "Fisheries and salt"),
    "investor.fisheries_text": ("Perikanan tangkap laut, budidaya tambak dan kolam, serta garam rakyat.",
                                "Marine capture, brackish and freshwater ponds, and smallholder salt."),
    "investor.industry": ("Industri pengolahan", "Processing industry"),
    "investor.industry_text": ("Sentra krupuk Desa Kenanga, ikan asin, olahan mangga dan usaha purna PMI.",
                               "The krupuk cluster of Desa Kenanga, salted fish, mango products and businesses "
                               "of returned migrant workers."),
    "investor.trend": ("Tren produksi kabupaten (ton)", "Regency production trend (t)"),
    "investor.leading": ("Kecamatan unggulan", "Leading districts"),
    "investor.by_sector": ("Produsen menurut sektor KBLI", "Producers by KBLI sector"),
    "investor.clusters": ("Sentra produk", "Product clusters"),
    "investor.opportunities": ("Peluang investasi", "Investment opportunities"),
    "investor.filter_sector": ("Sektor", "Sector"),
    "investor.filter_status": ("Status", "Status"),
    "investor.filter_min": ("Nilai minimum (Rp)", "Minimum value (IDR)"),
    "investor.apply": ("Terapkan", "Apply"),
    "investor.count": ("{n} peluang", "{n} opportunities"),
    "investor.readiness": ("Kesiapan", "Readiness"),
    "investor.irr": ("IRR", "IRR"),
    "investor.payback": ("Pengembalian (tahun)", "Payback (years)"),
    "investor.analysis_title": ("Analisis sektor basis dan tipologi kecamatan", "Basic sectors and district typology"),
    "investor.analysis_intro": ("Di mana sebuah komoditas menjadi basis (LQ > 1) dan kecamatan mana yang maju dan "
                                "tumbuh cepat (tipologi Klassen).",
                                "Where a commodity is basic (LQ > 1) and which districts are prime and fast-growing "
                                "(Klassen typology)."),
    # producer finder
    "produk.title": ("Cari Produk UMKM", "Find Local Products"),
    "produk.intro": ("Cari krupuk, mangga, ikan asin, garam dan produk lain langsung dari produsennya.",
                     "Find krupuk, mango, salted fish, salt and more, straight from the producers."),
    "produk.placeholder": ("Produk atau nama usaha", "Product or business name"),
    "produk.near_me": ("Dekat saya", "Near me"),
    "produk.locating": ("Mencari lokasi Anda…", "Finding your location…"),
    "produk.no_location": ("Lokasi tidak tersedia. Izinkan akses lokasi atau cari dengan kata kunci.",
                           "Location is not available. Allow location access or search by keyword."),
    "produk.results": ("{n} produsen", "{n} producers"),
    "produk.none": ("Tidak ada produsen yang cocok.", "No matching producers."),
    "produk.whatsapp": ("WhatsApp", "WhatsApp"),
    "produk.call": ("Telepon", "Call"),
    "produk.directions": ("Petunjuk arah", "Directions"),
    "produk.open_map_app": ("Buka di aplikasi peta", "Open in map app"),
    "produk.osm": ("OpenStreetMap", "OpenStreetMap"),
    "produk.distance": ("{d} dari Anda", "{d} from you"),
    "produk.suggestions": ("Coba:", "Try:"),
    "produk.employees": ("Tenaga kerja", "Employees"),
    "produk.since": ("Berdiri", "Established"),
    "produk.migrant": ("Usaha purna pekerja migran", "Business of a returned migrant worker"),
    # planner
    "planner.title": ("Konsol Perencana", "Planner Console"),
    "planner.intro": ("Pilih lapisan, saring wilayah, sektor dan tahun, lalu unduh tabelnya.",
                      "Pick a layer, filter by area, sector and year, then download the table."),
    "planner.layer": ("Lapisan", "Layer"),
    "planner.subject": ("Komoditas / jenis", "Commodity / kind"),
    "planner.aggregate": ("Agregasi", "Aggregate to"),
    "planner.measure": ("Ukuran", "Measure"),
    "planner.method": ("Klasifikasi", "Classification"),
    "planner.area_filter": ("Kecamatan", "District"),
    "planner.sector": ("Sektor KBLI (produsen)", "KBLI sector (producers)"),
    "planner.downloads": ("Unduh data", "Download data"),
    "planner.download_table": ("Tabel statistik", "Statistics table"),
    "planner.download_rows": ("Data mentah lapisan", "Raw layer rows"),
    "planner.download_producers": ("Produsen (dengan saringan)", "Producers (filtered)"),
    "planner.total": ("Jumlah", "Total"),
    "planner.show": ("Tampilkan", "Show"),
    "planner.sections": ("Bagian konsol perencana", "Sections of the planner console"),
    "planner.nav_console": ("Tabel dan peta", "Tables and maps"),
    "planner.nav_upload": ("Unggah data (petugas data)", "Upload data (data stewards)"),
    "analysis.title": ("Analisis", "Analysis"),
    "analysis.intro": ("Analisis ekonomi wilayah per kecamatan: sektor basis dan tipologi pertumbuhan.",
                       "Regional economic analysis by district: basic sectors and growth typology."),
    "analysis.choice": ("Analisis", "Analysis"),
    "analysis.lq_padi": ("LQ padi (tahun terakhir)", "LQ of rice (latest year)"),
    "analysis.klassen_padi": ("Tipologi Klassen padi 2020→2024", "Klassen typology of rice 2020→2024"),
    "analysis.lq_tambak": ("LQ budidaya tambak 2021", "LQ of brackish-pond aquaculture 2021"),
    "analysis.reference": ("Referensi", "Reference"),
    "analysis.ref_kabupaten": ("Kabupaten", "Regency"),
    "analysis.ref_provinsi": ("Provinsi", "Province"),
    "analysis.ref_nasional": ("Nasional", "National"),
    "analysis.lq_method": ("Location Quotient (LQ) membandingkan pangsa komoditas dalam produksi sebuah "
                           "kecamatan dengan pangsanya di wilayah referensi: LQ = (e_ij / e_j) / (E_i / E). "
                           "LQ > 1 berarti komoditas itu basis (surplus yang dapat dipasarkan ke luar); "
                           "LQ ≤ 1 non-basis.",
                           "The location quotient (LQ) compares a commodity's share in a district's production "
                           "with its share in the reference area: LQ = (e_ij / e_j) / (E_i / E). LQ > 1 means "
                           "the commodity is basic (a surplus to sell outside); LQ ≤ 1 non-basic."),
    "analysis.klassen_method": ("Tipologi Klassen menempatkan setiap kecamatan pada salah satu dari empat "
                                "kuadran menurut pertumbuhan produksi (dibanding pertumbuhan referensi) dan "
                                "kontribusinya terhadap produksi kabupaten (dibanding rata-rata 1/n): "
                                "I maju dan tumbuh cepat, II maju tapi tertekan, III berkembang cepat, "
                                "IV relatif tertinggal.",
                                "The Klassen typology puts each district in one of four quadrants by its "
                                "production growth (against the reference's growth) and its contribution to the "
                                "regency's production (against the average 1/n): I prime, II developed but "
                                "depressed, III potential (fast-developing), IV relatively lagging."),
    "analysis.value_lq": ("LQ", "LQ"),
    "analysis.growth": ("Pertumbuhan", "Growth"),
    "analysis.share": ("Kontribusi", "Share"),
    "analysis.class": ("Kelas", "Class"),
    "analysis.production": ("Produksi (ton)", "Production (t)"),
    "analysis.unclassified": ("Tidak terklasifikasi", "Not classified"),
    "analysis.summary": ("{n} kecamatan · referensi: {ref}", "{n} districts · reference: {ref}"),
    "analysis.warning": ("Catatan", "Note"),
    "method.quantiles": ("Kuantil", "Quantiles"),
    "method.natural_breaks": ("Jenks (natural breaks)", "Natural breaks (Jenks)"),
    "method.equal_interval": ("Interval sama", "Equal interval"),
    # upload page of the planner console (data stewards)
    "upload.title": ("Unggah Data", "Upload Data"),
    "upload.intro": ("Untuk petugas data instansi: periksa lalu muat berkas CSV, XLSX, GeoJSON, Shapefile (zip) "
                     "atau GeoPackage dengan kunci API Anda. Berkas dengan baris tidak valid tidak dimuat sama "
                     "sekali, kecuali Anda memilih untuk melewati baris tersebut.",
                     "For agency data stewards: check, then load CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage "
                     "files with your API key. A file with invalid rows loads nothing, unless you choose to skip "
                     "those rows."),
    "upload.key": ("Kunci API", "API key"),
    "upload.key_help": ("Disimpan hanya di tab ini (sessionStorage) sampai tab ditutup; tidak pernah di URL "
                        "atau cookie.",
                        "Kept only in this tab (sessionStorage) until it is closed; never in a URL or a cookie."),
    "upload.forget_key": ("Lupakan kunci", "Forget the key"),
    "upload.kind": ("Jenis data", "Kind of data"),
    "upload.roles": ("Peran kunci yang boleh memuat: {roles}", "Key roles that may load it: {roles}"),
    "upload.columns": ("Kolom yang dikenali (* wajib): {columns}", "Columns understood (* required): {columns}"),
    "upload.file": ("Berkas", "File"),
    "upload.file_help": ("CSV, XLSX, GeoJSON, Shapefile (zip) atau GeoPackage; paling besar {mb} MB.",
                         "CSV, XLSX, GeoJSON, zipped Shapefile or GeoPackage; at most {mb} MB."),
    "upload.options": ("Pilihan", "Options"),
    "upload.dry_run": ("Periksa saja (uji coba: tidak ada yang dimuat)", "Check only (dry run: nothing is loaded)"),
    "upload.skip_invalid": ("Lewati baris tidak valid (muat baris yang valid saja)",
                            "Skip invalid rows (load only the valid ones)"),
    "upload.commodity": ("Komoditas (opsional)", "Commodity (optional)"),
    "upload.commodity_help": ("Untuk tabel tanpa kolom komoditas, mis. bawang merah.",
                              "For tables without a commodity column, e.g. shallot."),
    "upload.year": ("Tahun (opsional)", "Year (optional)"),
    "upload.year_help": ("Untuk tabel tanpa kolom tahun.", "For tables without a year column."),
    "upload.source": ("Nama sumber (opsional)", "Source name (optional)"),
    "upload.source_help": ("Berkas perbaikan dengan nama sumber yang sama menggantikan baris versi sebelumnya; "
                           "bawaan: nama berkas.",
                           "A corrected file with the same source name replaces the rows of its previous "
                           "version; default: the file name."),
    "upload.submit": ("Kirim berkas", "Send the file"),
    "upload.sending": ("Mengirim dan memeriksa berkas…", "Sending and checking the file…"),
    "upload.result": ("Hasil pemeriksaan", "Validation report"),
    "upload.need_key": ("Isi kunci API terlebih dahulu.", "Enter your API key first."),
    "upload.need_file": ("Pilih berkas yang akan dikirim.", "Choose the file to send."),
    "upload.status_validated": ("Valid: berkas lolos pemeriksaan. Tidak ada yang dimuat (uji coba).",
                                "Valid: the file passed the checks. Nothing was loaded (dry run)."),
    "upload.status_loaded": ("Dimuat: data sudah masuk ke basis data.", "Loaded: the data are in the database."),
    "upload.status_unchanged": ("Tidak berubah: berkas yang sama persis sudah pernah dimuat.",
                                "Unchanged: this exact file was already loaded."),
    "upload.status_invalid": ("Tidak valid: berkas tidak dimuat. Perbaiki temuan di bawah lalu kirim lagi.",
                              "Invalid: the file was not loaded. Fix the issues below and send it again."),
    "upload.rows_read": ("Baris dibaca", "Rows read"),
    "upload.rows_loaded": ("Baris dimuat", "Rows loaded"),
    "upload.rows_rejected": ("Baris ditolak", "Rows rejected"),
    "upload.errors": ("Galat", "Errors"),
    "upload.warnings": ("Peringatan", "Warnings"),
    "upload.issues": ("Temuan", "Issues"),
    "upload.no_issues": ("Tidak ada temuan.", "No issues found."),
    "upload.truncated": ("Hanya {n} temuan pertama yang dicantumkan.", "Only the first {n} issues are listed."),
    "upload.notes": ("Catatan", "Notes"),
    "upload.row": ("Baris", "Row"),
    "upload.column": ("Kolom", "Column"),
    "upload.value": ("Nilai", "Value"),
    "upload.reason": ("Alasan", "Reason"),
    "upload.severity": ("Tingkat", "Severity"),
    "upload.severity_error": ("galat", "error"),
    "upload.severity_warning": ("peringatan", "warning"),
    "upload.whole_file": ("seluruh berkas", "whole file"),
    "upload.error_400": ("Permintaan perlu diperbaiki.", "The request needs fixing."),
    "upload.error_401": ("Kunci API tidak ada, tidak dikenal, atau sudah dicabut. Periksa kunci Anda.",
                         "The API key is missing, unknown or revoked. Check your key."),
    "upload.error_403": ("Kunci ini tidak berhak memuat jenis data ini. Pilih jenis lain atau minta kunci dengan "
                         "peran yang sesuai.",
                         "This key may not load this kind of data. Choose another kind or ask for a key with the "
                         "right role."),
    "upload.error_404": ("Jenis data tidak dikenal.", "Unknown kind of data."),
    "upload.error_413": ("Berkas terlalu besar: paling besar {mb} MB. Tidak ada yang dimuat.",
                         "The file is too large: at most {mb} MB. Nothing was loaded."),
    "upload.error_429": ("Terlalu banyak permintaan. Coba lagi dalam {s} detik.",
                         "Too many requests. Try again in {s} seconds."),
    "upload.error_503": ("Basis data sedang tidak tersedia; tidak ada yang dimuat. Coba lagi dalam {s} detik.",
                         "The database is unavailable; nothing was loaded. Try again in {s} seconds."),
    "upload.error_other": ("Unggahan gagal (HTTP {status}).", "The upload failed (HTTP {status})."),
    "upload.error_network": ("Server tidak dapat dihubungi. Periksa koneksi lalu coba lagi.",
                             "The server could not be reached. Check the connection and try again."),
    "upload.detail": ("Keterangan server", "Server detail"),
    "upload.history": ("Riwayat muat", "Load history"),
    "upload.history_intro": ("Muatan terakhir, terbaru di atas.", "Recent loads, newest first."),
    "upload.refresh": ("Muat ulang riwayat", "Refresh the history"),
    "upload.when": ("Waktu", "When"),
    "upload.kind_col": ("Jenis", "Kind"),
    "upload.source_col": ("Sumber", "Source"),
    "upload.rows": ("Baris (dimuat / dibaca / ditolak)", "Rows (loaded / read / rejected)"),
    "upload.who": ("Oleh", "By"),
    "upload.no_loads": ("Belum ada riwayat muat.", "No loads yet."),
    "upload.run_loaded": ("dimuat", "loaded"),
    "upload.run_superseded": ("digantikan versi baru", "superseded"),
    # kinds of file of the ETL (etl.jobs.JOBS)
    "kind.boundaries": ("Batas wilayah administrasi (kabupaten, kecamatan, desa)",
                        "Administrative boundaries (kabupaten, kecamatan, desa)"),
    "kind.agriculture": ("Produksi pertanian per wilayah dan tahun", "Agricultural production per area and year"),
    "kind.fisheries": ("Produksi perikanan per wilayah dan tahun", "Fisheries production per area and year"),
    "kind.landing-sites": ("Tempat pelelangan ikan (TPI/PPI)", "Fish landing sites (TPI/PPI)"),
    "kind.producers": ("Produsen (UMKM/IKM)", "Producers (UMKM/IKM)"),
    "kind.opportunities": ("Peluang investasi", "Investment opportunities"),
    "kind.totals": ("Angka pembanding (kabupaten, provinsi, nasional)",
                    "Comparison totals (regency, province, nation)"),
    # area profile
    "area.title": ("Profil Wilayah", "Area Profile"),
    "area.key_numbers": ("Angka kunci", "Key numbers"),
    "area.population": ("Penduduk", "Population"),
    "area.area_km2": ("Luas (km²)", "Area (km²)"),
    "area.density": ("Kepadatan (jiwa/km²)", "Density (per km²)"),
    "area.population_none": ("Belum ada data penduduk", "No population figure available yet"),
    "area.year_unstated": ("tahun tidak disebut", "year not stated"),
    "area.computed": ("dihitung dari poligon", "computed from the polygon"),
    "area.derived": ("Batas ini digabung dari batas desa/kelurahan di dalamnya.",
                     "This boundary was dissolved from the desa/kelurahan within it."),
    "area.producers": ("Produsen terdaftar", "Registered producers"),
    "area.opportunities": ("Peluang investasi", "Investment opportunities"),
    "area.top": ("Komoditas utama (tahun terakhir)", "Main commodities (latest year)"),
    "area.production_by_year": ("Produksi per tahun (ton)", "Production by year (t)"),
    "area.by_sector": ("Produsen menurut sektor", "Producers by sector"),
    "area.children": ("Wilayah di dalamnya", "Areas within"),
    "area.up": ("Wilayah induk", "Parent area"),
    "area.find_producers": ("Cari produsen di wilayah ini", "Find producers in this area"),
    "area.none": ("Belum ada data.", "No data yet."),
    "area.shift_title": ("Shift-share padi 2020→2024", "Shift-share of rice 2020→2024"),
    "area.shift_method": ("Analisis shift-share membagi perubahan produksi kecamatan menjadi tiga komponen: "
                          "pertumbuhan referensi (bila tumbuh seperti kabupaten), pergeseran proporsional (bauran "
                          "komoditas) dan pergeseran diferensial (daya saing lokal).",
                          "Shift-share analysis splits a district's change in production into three components: "
                          "the reference growth (as if it grew like the regency), the proportional shift (commodity "
                          "mix) and the differential shift (local competitiveness)."),
    "area.shift_component": ("Komponen", "Component"),
    "area.shift_national": ("Pertumbuhan referensi", "Regional share"),
    "area.shift_proportional": ("Pergeseran proporsional", "Proportional shift"),
    "area.shift_differential": ("Pergeseran diferensial", "Differential shift"),
    "area.shift_total": ("Perubahan total", "Total change"),
    "level.kabupaten": ("Kabupaten", "Regency"),
    "level.kecamatan": ("Kecamatan", "District"),
    "level.desa": ("Desa/Kelurahan", "Village"),
    # errors
    "error.404_title": ("Halaman tidak ditemukan", "Page not found"),
    "error.503_title": ("Layanan sedang tidak tersedia", "Service unavailable"),
    "error.database_away": ("Basis data sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
                            "The database cannot be reached at the moment. Please try again shortly."),
    "error.area_unknown": ("Tidak ada wilayah dengan kode {code}.", "There is no area with code {code}."),
    "error.back_home": ("Kembali ke peta", "Back to the map"),
    "error.assets": ("Berkas peta belum terpasang: jalankan bash scripts/setup.sh.",
                     "Map files are not installed yet: run bash scripts/setup.sh."),
    # opportunity sectors, statuses and readiness (values of the opportunities table); a sector named after a
    # statistical layer (agriculture, fisheries) takes the registry's name (gis/layers.py Stats, webmap/layer_config.py)
    "sector.agroindustry": ("Agroindustri", "Agro-industry"),
    "sector.tourism": ("Pariwisata", "Tourism"),
    "sector.creative_industry": ("Industri kreatif", "Creative industry"),
    "sector.industry": ("Industri", "Industry"),
    "sector.infrastructure": ("Infrastruktur", "Infrastructure"),
    "sector.energy": ("Energi", "Energy"),
    "status.tersedia": ("Tersedia", "Available"),
    "status.dalam_penjajakan": ("Dalam penjajakan", "Under discussion"),
    "status.terealisasi": ("Terealisasi", "Realised"),
    "readiness.siap_investasi": ("Siap investasi", "Investment-ready"),
    "readiness.prastudi_kelayakan": ("Prastudi kelayakan", "Pre-feasibility study"),
}

# Keys the browser needs (labels made by the page scripts).
JS_KEYS = tuple(k for k in CATALOG if k.split(".")[0] in {
    "common", "map", "layer", "legend", "popup", "control", "investor", "produk", "planner", "measure",
    "analysis",
    "area", "level", "sector", "status", "readiness",
})
# Keys of the upload page's script: a page of its own, so the map pages do not carry them.
UPLOAD_JS_KEYS = tuple(k for k in CATALOG if k.split(".")[0] in {"upload", "kind"}) + ("common.error", "common.status")


def normalize_lang(lang: str | None) -> str:
    """``en`` or ``id`` (the default for anything else)."""
    return "en" if (lang or "").lower() == "en" else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` placeholders filled; the key itself when unknown."""
    pair = CATALOG.get(key)
    if pair is None:
        return key
    text = pair[1] if normalize_lang(lang) == "en" else pair[0]
    return text.format(**values) if values else text


def catalog_for(lang: str, keys: tuple[str, ...] = JS_KEYS) -> dict[str, str]:
    """The texts of ``keys`` in one language (for the browser)."""
    return {key: t(key, lang) for key in keys}


def label(prefix: str, value: str | None, lang: str) -> str:
    """Label of a coded value (``status``, ``tersedia`` -> "Tersedia"); the value, tidied, when unknown."""
    if not value:
        return ""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in CATALOG else value.replace("_", " ").capitalize()


def format_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """``1234.5`` -> ``1.234,5`` (id) or ``1,234.5`` (en); ``decimals`` fixed, else as few as needed."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}" if decimals is not None else _shortest(value)
    if normalize_lang(lang) == "id":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def _shortest(value: float | int) -> str:
    """At most one decimal from 10 up, two below; no trailing zeros (19390.04 -> 19,390; 2.5 -> 2.5)."""
    digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_idr(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """Rupiah in words for large amounts: ``Rp 12 miliar`` / ``IDR 12 billion``."""
    if value is None:
        return "–"
    english = normalize_lang(lang) == "en"
    for size, word_id, word_en in ((1e12, "triliun", "trillion"), (1e9, "miliar", "billion"),
                                   (1e6, "juta", "million")):
        if abs(value) >= size:
            amount = format_number(value / size, lang, 1 if (value / size) % 1 else 0)
            return f"IDR {amount} {word_en}" if english else f"Rp {amount} {word_id}"
    return f"IDR {format_number(value, lang)}" if english else f"Rp {format_number(value, lang)}"


def js_config(lang: str, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """What every page script gets: language, number locale and the translated texts."""
    return {"lang": normalize_lang(lang), "locale": NUMBER_LOCALES[normalize_lang(lang)],
            "messages": catalog_for(lang), **(extra or {})}
