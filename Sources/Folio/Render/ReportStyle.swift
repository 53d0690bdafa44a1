/// The report's style sheet: readable type, tables with tabular figures, figures that scale,
/// and print rules that keep figures and tables whole.
enum ReportStyle {
    static let sheet = """
        body{margin:0;background:#fff;color:#1b1b1b;font:17px/1.6 Charter,'Bitstream Charter','Iowan Old Style',Georgia,serif}\
        main{max-width:46rem;margin:0 auto;padding:1.5rem 1.1rem 4rem}\
        h1,h2,h3,h4,nav,figcaption,caption,table,.byline,.experiment,.claims{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
        h1{font-size:1.9rem;line-height:1.2;margin:1.2rem 0 .4rem}h2{font-size:1.4rem;margin:2.2rem 0 .6rem;line-height:1.25}\
        h3{font-size:1.12rem;margin:1.6rem 0 .4rem}.byline{color:#555;margin:0 0 1.5rem}\
        a{color:#0b5cad}code,pre{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:.86em}\
        pre{background:#f5f5f5;padding:.75rem 1rem;overflow-x:auto;border-radius:4px}\
        code{background:#f3f3f3;padding:0 .2em;border-radius:3px}pre code{background:none;padding:0}\
        nav.toc{background:#f7f7f9;border:1px solid #e4e4ea;border-radius:6px;padding:.4rem 1.2rem .6rem;margin:1rem 0 2rem;font-size:.95rem}\
        nav.toc h2{font-size:1rem;margin:.4rem 0}nav.toc ol{margin:0;padding-left:1.3rem}\
        figure{margin:1.8rem 0}figure svg,figure img{display:block;width:100%;height:auto;max-width:100%}\
        figure.samples img{image-rendering:pixelated;max-width:32rem;margin:0 auto}\
        figcaption,caption{font-size:.88rem;color:#3a3a3a;line-height:1.45;text-align:left}figcaption{margin-top:.5rem}\
        .table-wrap{overflow-x:auto;margin:1.4rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}\
        caption{caption-side:bottom;padding-top:.5rem}th,td{padding:.32rem .6rem;border-bottom:1px solid #dcdcdc;text-align:right;white-space:nowrap}\
        th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #999}tr.total th,tr.total td{font-weight:600}\
        .experiment{font-size:.88rem;color:#333;background:#f4f8fb;border-left:3px solid #0072b2;padding:.3rem .9rem;margin:1.2rem 0}\
        .experiment p{margin:.3rem 0}.diverged{color:#a33}\
        .claims{list-style:none;padding-left:0;font-size:.92rem}.claims li{margin:.3rem 0}\
        .claims .verdict{font-weight:600;margin-right:.3rem}.claims .pass .verdict{color:#0a6b3d}.claims .fail .verdict{color:#b00020}\
        .claims .sides{color:#555}.value{font-variant-numeric:tabular-nums;white-space:nowrap}\
        math{font-family:'Latin Modern Math','STIX Two Math','STIX Math','Cambria Math',math}\
        math[display=block]{display:block;margin:1rem 0;padding:.2rem 0;overflow-x:auto;overflow-y:hidden;font-size:1.1em}\
        .equation{display:flex;align-items:center;gap:1rem}.equation math[display=block]{flex:1}\
        .equation-number{font-variant-numeric:tabular-nums;white-space:nowrap}\
        .references ul{list-style:none;padding-left:0}.references li{padding-left:2em;text-indent:-2em;margin:.45rem 0;line-height:1.45}\
        @media (max-width:600px){body{font-size:16px}main{padding:1rem .8rem 3rem}th,td{padding:.28rem .4rem}}\
        @page{margin:18mm 17mm 20mm;@bottom-center{content:counter(page) " / " counter(pages);font:9pt system-ui,sans-serif;color:#444}}\
        @media print{body{font-size:10.5pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}\
        figure,table,.table-wrap,.experiment,.claims,.equation,math[display=block],pre,.references li{break-inside:avoid}\
        h1,h2,h3,h4{break-after:avoid}pre{white-space:pre-wrap}.table-wrap{overflow:visible}\
        nav.toc{break-inside:avoid}.claims .pass .verdict,.claims .fail .verdict{color:#000}}
        """
}
